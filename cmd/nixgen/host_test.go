package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/golden"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// hostCase is one fixtures/host/NAME directory: args holds `nixgen host`'s
// arguments (one per line), app (optional) names the fixture whose input/
// and want/ together make the app flake at ../app, want/ holds the files
// written and stderr.golden the warnings. Create want/ empty and run with
// -update to add a case.
type hostCase struct {
	name, dir, app string
	args           []string
}

func hostCases(t *testing.T) []hostCase {
	t.Helper()
	// Absolute: generate changes into the configuration directory.
	fixtures, err := filepath.Abs(hostFixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob(filepath.Join(fixtures, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostCase
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "want")); err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "args"))
		if err != nil {
			t.Fatal(err)
		}
		c := hostCase{name: filepath.Base(dir), dir: dir}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				c.args = append(c.args, strings.Fields(line)...)
			}
		}
		if app, err := os.ReadFile(filepath.Join(dir, "app")); err == nil {
			c.app = strings.TrimSpace(string(app))
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatal("no host cases found")
	}
	return cases
}

// generate runs `nixgen host` in an empty configuration directory beside
// the case's app and returns the directories and what was written.
func (c hostCase) generate(t *testing.T, extra ...string) (config, app string, files map[string][]byte, stderr string) {
	t.Helper()
	tmp := t.TempDir()
	config, app = filepath.Join(tmp, "config"), filepath.Join(tmp, "app")
	if err := os.Mkdir(config, 0o755); err != nil {
		t.Fatal(err)
	}
	if c.app != "" {
		for _, part := range []string{"input", "want"} {
			if err := os.CopyFS(app, os.DirFS(filepath.Join(filepath.Dir(c.dir), "..", "init", c.app, part))); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Chdir(config)
	var stdout, errb bytes.Buffer
	args := append(append([]string{"nixgen", "host"}, c.args...), extra...)
	if code := run(args, &stdout, &errb, func(string) string { return "" }); code != 0 {
		t.Fatalf("nixgen host exited %d:\n%s", code, errb.String())
	}
	return config, app, readTree(t, config), strings.ReplaceAll(errb.String(), tmp, "$DIR")
}

func TestHostGolden(t *testing.T) {
	for _, c := range hostCases(t) {
		t.Run(c.name, func(t *testing.T) {
			config, _, got, stderr := c.generate(t)
			golden.Dir(t, filepath.Join(c.dir, "want"), filesIn(t, config, got))
			golden.File(t, filepath.Join(c.dir, "stderr.golden"), []byte(stderr))

			// --force rewrites the same bytes and leaves the machine's
			// configuration alone.
			mine := filepath.Join(config, "hosts", "web1", "configuration.nix")
			if err := os.WriteFile(mine, []byte("{ }: { }\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, errb bytes.Buffer
			args := append(append([]string{"nixgen", "host"}, c.args...), "--force")
			if code := run(args, &stdout, &errb, func(string) string { return "" }); code != 0 {
				t.Fatalf("second nixgen host exited %d: %s", code, errb.String())
			}
			again := readTree(t, config)
			for p, data := range got {
				if p != "hosts/web1/configuration.nix" && !bytes.Equal(again[p], data) {
					t.Errorf("%s changed when generated a second time", p)
				}
			}
			if string(again["hosts/web1/configuration.nix"]) != "{ }: { }\n" {
				t.Errorf("--force replaced hosts/web1/configuration.nix")
			}
			if !strings.Contains(stdout.String(), "kept hosts/web1/configuration.nix") {
				t.Errorf("the second run does not say it kept the configuration:\n%s", stdout.String())
			}
		})
	}
}

// TestHostFlakeEvaluates evaluates the configuration flake of a host with
// a local app offline: nixpkgs and deploy-rs are the stand-ins, the app is
// the golden rust-axum-openssl flake with its own inputs on stand-ins.
func TestHostFlakeEvaluates(t *testing.T) {
	nixtest.Require(t, "nix")
	var c hostCase
	for _, hc := range hostCases(t) {
		if hc.name == "local" {
			c = hc
		}
	}
	if c.name == "" {
		t.Fatal("no fixtures/host/local case")
	}
	config, app, files, _ := c.generate(t)
	for p := range files {
		if strings.HasSuffix(p, ".nix") {
			nixtest.Parse(t, filepath.Join(config, p))
		}
	}
	eval := hostEvaluator(t, config, app)

	var node struct {
		Hostname      string `json:"hostname"`
		SSHUser       string `json:"sshUser"`
		MagicRollback bool   `json:"magicRollback"`
	}
	out, err := eval("deploy.nodes.web1", "n: { inherit (n) hostname sshUser magicRollback; }")
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(out), &node)
	if node.Hostname != "203.0.113.10" || node.SSHUser != "deploy" || !node.MagicRollback {
		t.Errorf("deploy.nodes.web1 = %+v", node)
	}

	// Until the placeholders are replaced, the system does not build.
	const toplevel = "nixosConfigurations.web1.config.system.build.toplevel.drvPath"
	if _, err := eval(toplevel, ""); err == nil || !strings.Contains(err.Error(), "hosts/web1/configuration.nix: replace the placeholder hardware") {
		t.Errorf("toplevel with placeholders: want the configuration's assertion, got %v", err)
	}

	// Filled in (here: the assertion deleted), it evaluates, with the app's
	// service enabled and the cache trusted.
	cfgPath := filepath.Join(config, "hosts", "web1", "configuration.nix")
	text, _ := os.ReadFile(cfgPath)
	filled, _, ok := strings.Cut(string(text), "  # Delete this assertion")
	if !ok {
		t.Fatalf("no assertion in %s", cfgPath)
	}
	os.WriteFile(cfgPath, []byte(filled+"}\n"), 0o644)
	if out, err := eval(toplevel, ""); err != nil || !strings.HasPrefix(out, `"/nix/store/`) {
		t.Fatalf("toplevel: %s %v", out, err)
	}
	var system struct {
		Unit        string   `json:"unit"`
		Substituter []string `json:"substituters"`
		Keys        []string `json:"keys"`
		Wheel       []string `json:"wheel"`
	}
	out, err = eval("nixosConfigurations.web1.config", `c: {
		unit = c.systemd.units."greeter.service".text;
		substituters = c.nix.settings.substituters;
		keys = c.nix.settings.trusted-public-keys;
		wheel = c.users.users.deploy.extraGroups;
	}`)
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(out), &system)
	if !strings.Contains(system.Unit, "ExecStart=") {
		t.Errorf("greeter.service:\n%s", system.Unit)
	}
	if !strings.Contains(strings.Join(system.Substituter, " "), "https://greeter.cachix.org") ||
		!strings.Contains(strings.Join(system.Keys, " "), "greeter.cachix.org-1:") {
		t.Errorf("the host does not trust the cache: substituters %v, keys %v", system.Substituter, system.Keys)
	}
	if len(system.Wheel) != 1 || system.Wheel[0] != "wheel" {
		t.Errorf("users.users.deploy.extraGroups = %v", system.Wheel)
	}
	// deploy-rs's deployChecks validate the node.
	if _, err := eval("checks.x86_64-linux.deploy-schema.drvPath", ""); err != nil {
		t.Error(err)
	}
	// deploy-rs's overlay with nixpkgs' package on top: activate-rs and the
	// deploy command come from nixpkgs (the binary cache), not from a build
	// of deploy-rs's flake (version 0.1.0 in the stand-in, as in the real one).
	for attr, apply := range map[string]string{
		"deploy.nodes.web1.profiles.system.path": "p: p.activateRs",
		"packages.x86_64-linux.deploy-rs":        "p: p.name",
	} {
		out, err := eval(attr, apply)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "deploy-rs-0-unstable-") {
			t.Errorf("%s: %s, want nixpkgs' deploy-rs", attr, out)
		}
	}
}

// hostEvaluator returns a function that evaluates an attribute of the
// configuration flake in config (optionally through a Nix function),
// offline: nixpkgs and deploy-rs point at the stand-ins and the app input
// at the flake in app, whose inputs (nixpkgs, flake-utils) point at the
// stand-ins too. nixtest's EvalFlake overrides only inputs it has a
// stand-in for, and the app here is a path input.
func hostEvaluator(t *testing.T, config, app string) func(attr, apply string) (string, error) {
	t.Helper()
	nix := nixtest.Require(t, "nix")
	s := nixtest.StandinsDir(t)
	home := t.TempDir()
	registry := filepath.Join(home, "registry.json")
	os.WriteFile(registry, []byte(`{"flakes":[],"version":2}`), 0o644)
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "NIX_PATH=",
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"NIX_CONFIG=experimental-features = nix-command flakes\nflake-registry = " + registry + "\nsubstituters =\nwarn-dirty = false",
	}
	overrides := map[string]string{
		"nixpkgs":                     "nixpkgs",
		"deploy-rs":                   "deploy-rs",
		"deploy-rs/nixpkgs":           "nixpkgs",
		"deploy-rs/utils":             "flake-utils",
		"deploy-rs/utils/systems":     "systems",
		"deploy-rs/flake-compat":      "systems",
		"greeter/nixpkgs":             "nixpkgs",
		"greeter/flake-utils":         "flake-utils",
		"greeter/flake-utils/systems": "systems",
	}
	args := []string{"eval", "--json", "--no-write-lock-file", "--override-input", "greeter", "path:" + app}
	for input, standin := range overrides {
		args = append(args, "--override-input", input, "path:"+filepath.Join(s, standin))
	}
	return func(attr, apply string) (string, error) {
		a := append(append([]string{}, args...), "path:"+config+"#"+attr)
		if apply != "" {
			a = append(a, "--apply", apply)
		}
		cmd := exec.Command(nix, a...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return "", &nixtest.NixError{Args: a, Stderr: stderr.String(), Err: err}
		}
		return strings.TrimSpace(stdout.String()), nil
	}
}
