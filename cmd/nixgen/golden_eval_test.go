package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// allSystems are the systems nixgen knows, as in model.Systems.
var allSystems = []string{"x86_64-linux", "aarch64-linux", "aarch64-darwin", "x86_64-darwin"}

// flakeSystems reads the systems a golden flake exposes from the
// nixgen.toml beside it.
func flakeSystems(t *testing.T, c goldenCase) []string {
	t.Helper()
	var cfg struct {
		Systems []string `toml:"systems"`
	}
	if _, err := toml.DecodeFile(filepath.Join(c.dir, "want", "nixgen.toml"), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Systems) == 0 {
		t.Fatalf("%s/want/nixgen.toml records no systems", c.name)
	}
	return cfg.Systems
}

// evalDir copies a golden case's input and its wanted output into a fresh
// directory: the flake as a user would have it.
func evalDir(t *testing.T, c goldenCase) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"input", "want"} {
		if err := os.CopyFS(dir, os.DirFS(filepath.Join(c.dir, sub))); err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
	}
	return dir
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestGoldenEval evaluates every golden flake offline against the
// stand-in inputs in internal/nixtest/testdata/standins: `nix flake check --no-build`, the
// realised source of every package against the files the build reads, the
// package names, the devShell and the checks on every system.
func TestGoldenEval(t *testing.T) {
	nixtest.Require(t, "nix")
	for _, c := range goldenCases(t) {
		if _, err := os.Stat(filepath.Join(c.dir, "want", "flake.nix")); err != nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := evalDir(t, c)
			nixtest.FlakeCheck(t, dir)
			checkSources(t, c)

			var apps map[string]any
			nixtest.EvalFlakeJSON(t, dir, "apps.x86_64-linux", &apps)
			systems := flakeSystems(t, c)
			flake, err := os.ReadFile(filepath.Join(dir, "flake.nix"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(flake), "eachDefaultSystem") {
				t.Errorf("flake.nix uses eachDefaultSystem, whose list nixpkgs no longer builds in full")
			}
			for _, system := range allSystems {
				if !slices.Contains(systems, system) {
					// An explicit list: a system nixgen.toml does not name is absent.
					if err := nixtest.EvalFlakeErr(t, dir, "packages."+system+".default.name"); err == nil {
						t.Errorf("packages.%s exists, but nixgen.toml's systems %v leave it out", system, systems)
					}
					continue
				}
				var pkgs, checks map[string]any
				nixtest.EvalFlakeJSON(t, dir, "packages."+system, &pkgs)
				if _, ok := pkgs["default"]; !ok || len(pkgs) < 2 {
					t.Errorf("%s: packages %v: want default plus one per binary package", system, keys(pkgs))
				}
				if drv := nixtest.EvalFlake(t, dir, "devShells."+system+".default.drvPath"); !strings.Contains(drv, ".drv") {
					t.Errorf("%s: devShell drvPath = %s", system, drv)
				}
				nixtest.EvalFlakeJSON(t, dir, "checks."+system, &checks)
				_, vm := checks["vm-test"]
				_, module := os.Stat(filepath.Join(c.dir, "want", "nix", "module.nix"))
				wantVM := module == nil && strings.HasSuffix(system, "-linux")
				if vm != wantVM {
					t.Errorf("%s: checks %v: vm-test present %v, want %v", system, keys(checks), vm, wantVM)
				}
				t.Logf("%s: packages %v, checks %v", system, keys(pkgs), keys(checks))
			}
			if _, ok := apps["default"]; !ok {
				t.Errorf("apps %v: no default", keys(apps))
			}
		})
	}
}

// goldenService reads what the golden nixgen.toml beside a module records
// of the service: the settings it stops without and its listeners' ports.
func goldenService(t *testing.T, c goldenCase) (required, names []string, ports []int) {
	t.Helper()
	var cfg struct {
		Service struct {
			Required []string `toml:"required"`
			Listener []struct {
				Name string `toml:"name"`
				Port int    `toml:"port"`
			} `toml:"listener"`
		} `toml:"service"`
	}
	if _, err := toml.DecodeFile(filepath.Join(c.dir, "want", "nixgen.toml"), &cfg); err != nil {
		t.Fatal(err)
	}
	for _, l := range cfg.Service.Listener {
		names, ports = append(names, l.Name), append(ports, l.Port)
	}
	return cfg.Service.Required, names, ports
}

var settingsFormatRE = regexp.MustCompile(`settingsFormat = pkgs\.formats\.(\w+) \{ \};`)

// typedSettingRE finds the first top-level typed option of settings: its
// name and type.
var typedSettingRE = regexp.MustCompile(`(?m)^          ([A-Za-z0-9_]+) = lib\.mkOption \{\n            type = ([^;]+);`)

// typedValues are a value of each settings type and one it refuses.
var typedValues = map[string][2]string{
	"lib.types.str":                    {`"nixgen-test"`, "1"},
	"lib.types.bool":                   {"true", `"yes"`},
	"lib.types.int":                    {"-2", `"two"`},
	"lib.types.ints.unsigned":          {"2", "-2"},
	"lib.types.float":                  {"0.5", `"half"`},
	"(lib.types.listOf lib.types.str)": {`[ "a" ]`, `[ 1 ]`},
	"lib.types.listOf lib.types.str":   {`[ "a" ]`, `[ 1 ]`},
}

// configFileName is the store name of the settings file a module writes.
func configFileName(module []byte) string {
	m := regexp.MustCompile(`configFile = settingsFormat\.generate "([^"]+)"`).FindSubmatch(module)
	if m == nil {
		return "\x00no settings file"
	}
	return string(m[1])
}

var requiredKeyRE = regexp.MustCompile(`assertion = cfg\.settings \? ([A-Za-z0-9_.-]+);`)

var serviceNameRE = regexp.MustCompile(`(?m)^  options\.services\.("[^"]+"|[A-Za-z0-9_'-]+) = \{$`)

// TestGoldenModules evaluates every golden NixOS module with the module
// system and scores the unit it renders with systemd-analyze.
func TestGoldenModules(t *testing.T) {
	nixtest.Require(t, "nix")
	nixtest.Require(t, "systemd-analyze")
	acme := `{ security.acme.acceptTerms = true; security.acme.defaults.email = "admin@example.org"; }`
	ran := 0
	for _, c := range goldenCases(t) {
		data, err := os.ReadFile(filepath.Join(c.dir, "want", "nix", "module.nix"))
		if err != nil {
			continue
		}
		m := serviceNameRE.FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s: no options.services.NAME in the module", c.name)
		}
		name := strings.Trim(string(m[1]), `"`)
		portFixed := strings.Contains(string(data), "readOnly = true;\n      description = \"TCP port")
		loopback := strings.Contains(string(data), "listenAddress = lib.mkOption {\n      type = lib.types.str;\n      default = \"127.0.0.1\";")
		required, listeners, ports := goldenService(t, c)
		lowDefault := slices.ContainsFunc(ports, func(p int) bool { return p > 0 && p < 1024 })
		ran++
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := evalDir(t, c)

			// Settings the service stops without: enable alone fails with an
			// assertion that names each; an environment file satisfies them.
			enable := "enable = true;"
			if len(required) > 0 {
				err := nixtest.EvalModuleErr(t, dir, name, "{ enable = true; }")
				var generated []string
				for _, r := range required {
					if strings.Contains(string(data), "createLocally || cfg.environment ? "+r+" ") || strings.Contains(string(data), "\n        "+r+" = \"") {
						continue // a store the module creates gives it, or the module sets it
					}
					if strings.Contains(string(data), "cfg.generateSecrets || cfg.environment ? "+r+" ") {
						// The module creates it on first start.
						if err != nil && strings.Contains(err.Error(), "stops without "+r) {
							t.Errorf("enable alone: %s is generated, yet an assertion names it: %v", r, err)
						}
						generated = append(generated, r)
						continue
					}
					if err == nil || !strings.Contains(err.Error(), "stops without "+r) {
						t.Errorf("enable alone: want an assertion naming %s, got %v", r, err)
					}
				}
				if len(generated) > 0 {
					err := nixtest.EvalModuleErr(t, dir, name, "{ enable = true; generateSecrets = false; }")
					for _, r := range generated {
						if err == nil || !strings.Contains(err.Error(), "stops without "+r) {
							t.Errorf("generateSecrets = false: want an assertion naming %s, got %v", r, err)
						}
					}
				}
				enable += ` environmentFile = "/run/secrets/` + name + `.env";`
			}
			// Keys of the configuration file it stops without: each named by
			// an assertion, each given.
			for _, m := range requiredKeyRE.FindAllStringSubmatch(string(data), -1) {
				if err := nixtest.EvalModuleErr(t, dir, name, "{ "+enable+" }"); err == nil || !strings.Contains(err.Error(), "stops without "+m[1]+" in its configuration file") {
					t.Errorf("without settings.%s: want an assertion naming it, got %v", m[1], err)
				}
				enable += " settings." + m[1] + ` = "test";`
			}
			with := func(more string) string { return "{ " + enable + " " + more + " }" }

			// Default: starts at boot, restarts, hardened to 1.5 or less (2.0
			// with a listener below 1024, which needs CAP_NET_BIND_SERVICE).
			def := nixtest.EvalModule(t, dir, name, with(""))
			if def.Service == nil || !hasString(def.Service.WantedBy, "multi-user.target") || !hasString(def.Service.After, "network-online.target") {
				t.Fatalf("unit wiring: %+v", def.Service)
			}
			if def.Service.ServiceConfig["Restart"] != "on-failure" || def.Service.ServiceConfig["DynamicUser"] != true {
				t.Errorf("serviceConfig: %v", def.Service.ServiceConfig)
			}
			if strings.Contains(def.Unit, "@resources") {
				t.Errorf("SystemCallFilter mentions @resources, which kills Go binaries:\n%s", def.Unit)
			}
			limit := 1.5
			if lowDefault {
				limit = 2.0
				if !strings.Contains(def.Unit, "AmbientCapabilities=CAP_NET_BIND_SERVICE") {
					t.Errorf("a listener on a port below 1024, but no CAP_NET_BIND_SERVICE:\n%s", def.Unit)
				}
			}
			if score := nixtest.SecurityExposure(t, name+".service", def.Unit); score > limit {
				t.Errorf("default unit: exposure %.1f, want at most %.1f\n%s", score, limit, def.Unit)
			}
			if len(def.OpenTCPPorts) != 0 {
				t.Errorf("default opens ports %v", def.OpenTCPPorts)
			}

			// Backing stores created on the host: the server runs, the unit
			// waits for it and is told where it is; turned off, the setting
			// must be given.
			if strings.Contains(string(data), "services.postgresql = lib.mkIf cfg.database.createLocally") {
				if _, ok := def.Units["postgresql.service"]; !ok || !hasString(def.Service.Requires, "postgresql.target") || !hasString(def.Service.After, "postgresql.target") {
					t.Errorf("createLocally: units %v, requires %v, after %v", len(def.Units), def.Service.Requires, def.Service.After)
				}
				if !strings.Contains(def.Unit, "?host=/run/postgresql") {
					t.Errorf("createLocally: the unit is not told the database's socket:\n%s", def.Unit)
				}
				off := nixtest.EvalModule(t, dir, name, with("database.createLocally = false;"))
				if _, ok := off.Units["postgresql.service"]; ok || strings.Contains(off.Unit, "/run/postgresql") {
					t.Errorf("createLocally = false still creates or names the local database")
				}
			}
			if strings.Contains(string(data), "services.mysql = lib.mkIf cfg.database.createLocally") {
				if _, ok := def.Units["mysql.service"]; !ok || !hasString(def.Service.Requires, "mysql.service") || !hasString(def.Service.After, "mysql.service") {
					t.Errorf("MySQL createLocally: units %v, requires %v, after %v", len(def.Units), def.Service.Requires, def.Service.After)
				}
				if !strings.Contains(def.Unit, "/run/mysqld/mysqld.sock") {
					t.Errorf("MySQL createLocally: the unit is not told the database's socket:\n%s", def.Unit)
				}
				off := nixtest.EvalModule(t, dir, name, with("database.createLocally = false;"))
				if _, ok := off.Units["mysql.service"]; ok || strings.Contains(off.Unit, "/run/mysqld") {
					t.Errorf("createLocally = false still creates or names the local MySQL database")
				}
			}
			if strings.Contains(string(data), "redis.createLocally = lib.mkOption") {
				if !strings.Contains(def.Unit, "unix:///run/redis-") || !strings.Contains(def.Unit, "SupplementaryGroups=redis-") {
					t.Errorf("redis.createLocally: the unit is not told the socket or not in its group:\n%s", def.Unit)
				}
			}

			// Secrets read only from the environment can come as credentials,
			// or be generated, by a wrapper before the program starts.
			if bytes.Contains(data, []byte("loadSecrets = pkgs.writeShellScript")) {
				if !regexp.MustCompile(`ExecStart="?\S*-secrets"? "?\S+/bin/`).MatchString(def.Unit) {
					t.Errorf("the secrets wrapper does not start the program:\n%s", def.Unit)
				}
			}

			// Typed settings: a value of the wrong type is refused, and one
			// of the right type reaches the program's file; when they
			// default to null, nothing set means no file.
			if m := typedSettingRE.FindStringSubmatch(string(data)); m != nil {
				key, typ := m[1], m[2]
				values, ok := typedValues[strings.TrimPrefix(typ, "lib.types.nullOr ")]
				if !ok {
					t.Fatalf("settings.%s: no test values for %s", key, typ)
				}
				good, bad := values[0], values[1]
				if err := nixtest.EvalModuleErr(t, dir, name, with("settings."+key+" = "+bad+";")); err == nil || !strings.Contains(err.Error(), "is not of type") {
					t.Errorf("settings.%s = %s: want a type error, got %v", key, bad, err)
				}
				set := nixtest.EvalModule(t, dir, name, with("settings."+key+" = "+good+";"))
				if !strings.Contains(set.Unit, "-"+configFileName(data)) {
					t.Errorf("settings.%s = %s: the unit is not given the file:\n%s", key, good, set.Unit)
				}
				if strings.HasPrefix(typ, "lib.types.nullOr ") && len(requiredKeyRE.FindAllStringSubmatch(string(data), -1)) == 0 && strings.Contains(def.Unit, "-"+configFileName(data)) {
					t.Errorf("typed settings all null: the unit is given a file anyway:\n%s", def.Unit)
				}
			}

			// Every other listener has options of its own that reach the unit.
			for _, l := range listeners[min(1, len(listeners)):] {
				if !strings.Contains(string(data), "\n    "+l+" = {\n") {
					continue // no known port: no options
				}
				moved := nixtest.EvalModule(t, dir, name, with(l+".port = 4321; "+l+`.listenAddress = "::";`))
				if !strings.Contains(moved.Unit, "4321") {
					t.Errorf("%s.port does not reach the unit:\n%s", l, moved.Unit)
				}
			}

			// A port below 1024: the capability, PrivateUsers off, at most 2.0.
			if !portFixed {
				low := nixtest.EvalModule(t, dir, name, with("port = 25; openFirewall = true;"))
				if !strings.Contains(low.Unit, "AmbientCapabilities=CAP_NET_BIND_SERVICE") || !strings.Contains(low.Unit, "PrivateUsers=false") {
					t.Errorf("port 25 unit lacks CAP_NET_BIND_SERVICE or keeps PrivateUsers:\n%s", low.Unit)
				}
				if score := nixtest.SecurityExposure(t, name+".service", low.Unit); score > 2.0 {
					t.Errorf("port 25 unit: exposure %.1f, want at most 2.0", score)
				}
				if !containsInt(low.OpenTCPPorts, 25) {
					t.Errorf("openFirewall: ports %v", low.OpenTCPPorts)
				}

				// Type errors: the port must be 1..65535.
				for _, bad := range []string{"0", "70000"} {
					err := nixtest.EvalModuleErr(t, dir, name, with("port = "+bad+";"))
					if err == nil || !strings.Contains(err.Error(), "is not of type") {
						t.Errorf("port = %s: want a type error, got %v", bad, err)
					}
				}
			}

			// nginx and Caddy with a domain: 80 and 443 open, a virtual host.
			for _, proxy := range []string{"nginx", "caddy"} {
				res := nixtest.EvalModuleWith(t, dir, name, with(`domain = "app.example.org"; `+proxy+`.enable = true;`), acme)
				if !containsInt(res.OpenTCPPorts, 80) || !containsInt(res.OpenTCPPorts, 443) {
					t.Errorf("%s: open ports %v, want 80 and 443", proxy, res.OpenTCPPorts)
				}
				if _, ok := res.Units[proxy+".service"]; !ok {
					t.Errorf("%s: no %s.service among %d units", proxy, proxy, len(res.Units))
				}
			}

			// A static user instead of DynamicUser.
			static := nixtest.EvalModule(t, dir, name, with("dynamicUser = false;"))
			if !hasString(static.Users, name) || !hasString(static.Groups, name) || !strings.Contains(static.Unit, "DynamicUser=false") {
				t.Errorf("static user: users %v groups %v\n%s", static.Users, static.Groups, static.Unit)
			}
			if score := nixtest.SecurityExposure(t, name+".service", static.Unit); score > 1.5 {
				t.Errorf("static-user unit: exposure %.1f, want at most 1.5", score)
			}

			// Contradictions fail or warn.
			for cfg, want := range map[string]string{
				with(`domain = "a.example"; nginx.enable = true; caddy.enable = true;`): "at most one of nginx.enable and caddy.enable",
				with(`nginx.enable = true;`): "need services.",
			} {
				if err := nixtest.EvalModuleErr(t, dir, name, cfg); err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: want an assertion %q, got %v", cfg, want, err)
				}
			}
			if loopback {
				warned := nixtest.EvalModule(t, dir, name, with(`openFirewall = true;`))
				if len(warned.Warnings) == 0 {
					t.Errorf("openFirewall on a loopback address: no warning")
				}
			}
			// RFC 42 settings, rendered with pkgs.formats and handed to the app.
			if m := settingsFormatRE.FindSubmatch(data); m != nil {
				file := name + "." + string(m[1])
				set := nixtest.EvalModule(t, dir, name, with(`settings.ledger.currency = "EUR";`))
				if !strings.Contains(set.Unit, file) {
					t.Errorf("settings not passed to the service as %s:\n%s", file, set.Unit)
				}
				// Passed only when not empty, unless the program needs the file.
				if bytes.Contains(data, []byte("(cfg.settings != { })")) {
					if plain := nixtest.EvalModule(t, dir, name, with("")); strings.Contains(plain.Unit, file) {
						t.Errorf("empty settings still passed:\n%s", plain.Unit)
					}
				}
			}
			// Secrets: environmentFile and credentials outside the store.
			secrets, envFile := `credentials.token = "/run/secrets/token";`, "/run/secrets/env"
			if strings.Contains(enable, "environmentFile") {
				envFile = "/run/secrets/" + name + ".env"
			} else {
				secrets += ` environmentFile = "/run/secrets/env";`
			}
			sec := nixtest.EvalModule(t, dir, name, with(secrets))
			if !strings.Contains(sec.Unit, "EnvironmentFile="+envFile) || !strings.Contains(sec.Unit, "LoadCredential=token:/run/secrets/token") {
				t.Errorf("secrets not wired:\n%s", sec.Unit)
			}
			// A store path as lib.path.hasStorePathPrefix knows one: a 32-character hash.
			if err := nixtest.EvalModuleErr(t, dir, name, `{ enable = true; environmentFile = "/nix/store/0c3hx3m8y4bd2c9w1d0gkk7l2ayw6rxq-env"; }`); err == nil {
				t.Errorf("environmentFile in the store was accepted")
			}
		})
	}
	if ran < 3 {
		t.Fatalf("only %d golden modules", ran)
	}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
