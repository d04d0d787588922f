package nixtest

import (
	"strings"
	"testing"
)

const sample = "testdata/sample"

func TestParse(t *testing.T) {
	Parse(t, sample+"/flake.nix")
	Parse(t, sample+"/module.nix")
}

func TestEvalFlakeSample(t *testing.T) {
	t.Parallel()
	var drvs map[string]string
	EvalFlakeJSON(t, sample, "packages.x86_64-linux", &drvs)
	for _, name := range []string{"default", "rust", "go"} {
		if !strings.HasPrefix(drvs[name], "/nix/store/") {
			t.Errorf("packages.x86_64-linux.%s = %q, want a store path", name, drvs[name])
		}
	}
	exe := EvalFlake(t, sample, "packages.aarch64-darwin.default.meta.mainProgram")
	if exe != `"demo"` {
		t.Errorf("mainProgram = %s, want \"demo\"", exe)
	}
}

func TestFlakeCheckSample(t *testing.T) {
	t.Parallel()
	FlakeCheck(t, sample)
}

func TestEvalFlakeRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"rustArg":     "unknown argument `cargoBuildFlag'",
		"craneArg":    "unknown argument `cargoExtraArg'",
		"shellArg":    "unknown argument `shelHook'",
		"missingPath": "does-not-exist.rs) is a path that does not exist",
		"noCargoLock": "cargoHash, cargoVendorDir, cargoDeps, or cargoLock must be set",
	}
	for attr, want := range cases {
		t.Run(attr, func(t *testing.T) {
			t.Parallel()
			err := EvalFlakeErr(t, sample, "broken.x86_64-linux."+attr)
			if err == nil {
				t.Fatalf("broken.%s evaluated; want an error containing %q", attr, want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("broken.%s: error does not contain %q:\n%v", attr, want, err)
			}
		})
	}
}

func TestEvalModule(t *testing.T) {
	t.Parallel()
	res := EvalModule(t, sample, "demo", `{ enable = true; settings.log.level = "info"; }`)
	for _, want := range []string{
		"[Unit]\nAfter=network-online.target\nDescription=Demo service\nStartLimitBurst=5\nStartLimitIntervalSec=300\nWants=network-online.target\n",
		"Environment=\"DEMO_LISTEN=127.0.0.1:8080\"\n",
		"CapabilityBoundingSet=\n",
		"SystemCallFilter=@system-service\nSystemCallFilter=~@privileged\n",
		"DynamicUser=true\n",
		"[Install]\nWantedBy=multi-user.target\n",
	} {
		if !strings.Contains(res.Unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, res.Unit)
		}
	}
	if res.Service == nil || res.Service.ServiceConfig["Restart"] != "on-failure" {
		t.Errorf("service = %+v, want Restart=on-failure", res.Service)
	}
	if len(res.OpenTCPPorts) != 0 {
		t.Errorf("open ports = %v, want none", res.OpenTCPPorts)
	}
	if exposure := SecurityExposure(t, "demo.service", res.Unit); exposure > 2.0 {
		t.Errorf("hardened unit exposure = %.1f, want <= 2.0", exposure)
	}
}

func TestEvalModulePriorities(t *testing.T) {
	t.Parallel()
	res := EvalModule(t, sample, "demo", `lib.mkMerge [
		{ enable = true; port = 1000; user = lib.mkDefault "low"; openFirewall = true; }
		{ port = lib.mkForce 2000; user = "normal"; listenAddress = lib.mkDefault "0.0.0.0"; }
	]`)
	if !strings.Contains(res.Unit, `Environment="DEMO_LISTEN=0.0.0.0:2000"`) {
		t.Errorf("mkForce/mkDefault not applied:\n%s", res.Unit)
	}
	if !strings.Contains(res.Unit, `Environment="DEMO_USER=normal"`) {
		t.Errorf("a normal definition did not beat mkDefault:\n%s", res.Unit)
	}
	if len(res.OpenTCPPorts) != 1 || res.OpenTCPPorts[0] != 2000 {
		t.Errorf("open ports = %v, want [2000]", res.OpenTCPPorts)
	}
}

func TestEvalModuleWarnings(t *testing.T) {
	t.Parallel()
	res := EvalModule(t, sample, "demo", `{ enable = true; port = 80; }`)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "CAP_NET_BIND_SERVICE") {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

func TestEvalModuleRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, config, want string
	}{
		{"undeclared", `{ enable = true; bogus = 1; }`, "The option `services.demo.bogus' does not exist"},
		{"port type", `{ enable = true; port = 70000; }`,
			"A definition for option `services.demo.port' is not of type `16 bit unsigned integer; between 0 and 65535 (both inclusive)'"},
		{"conflict", `lib.mkMerge [ { enable = true; user = "a"; } { user = "b"; } ]`,
			"The option `services.demo.user' has conflicting definition values"},
		{"assertion", `{ enable = true; openFirewall = true; }`,
			"Failed assertions:\n       - services.demo.openFirewall has no effect while services.demo.listenAddress is 127.0.0.1"},
		{"secret in store", `{ enable = true; environmentFile = "/nix/store/00000000000000000000000000000000-secret"; }`,
			"is not of type `null or absolute path not in the Nix store'"},
		{"settings type", `{ enable = true; settings.f = x: x; }`, "is not of type `TOML value'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := EvalModuleErr(t, sample, "demo", c.config)
			if err == nil {
				t.Fatalf("%s evaluated; want an error containing %q", c.config, c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not contain %q:\n%v", c.want, err)
			}
		})
	}
}

func TestSecurityExposureBare(t *testing.T) {
	t.Parallel()
	bare := "[Unit]\nDescription=bare\n\n[Service]\nExecStart=/nix/store/00000000000000000000000000000000-demo/bin/demo\n"
	if exposure := SecurityExposure(t, "bare.service", bare); exposure < 9.0 {
		t.Errorf("bare unit exposure = %.1f, want >= 9.0", exposure)
	}
}

func TestFlakeCheckHost(t *testing.T) {
	t.Parallel()
	FlakeCheck(t, "testdata/host")
	var nginx string
	EvalFlakeJSON(t, "testdata/host", `nixosConfigurations.web.config.systemd.units."nginx.service".text`, &nginx)
	if !strings.Contains(nginx, "Wants=acme-example.org.service\n") {
		t.Errorf("nginx unit does not want its ACME certificate:\n%s", nginx)
	}
	var groups []string
	EvalFlakeJSON(t, "testdata/host", "nixosConfigurations.web.config.users.users.deploy.extraGroups", &groups)
	if len(groups) != 1 || groups[0] != "wheel" {
		t.Errorf("extraGroups = %v, want [wheel]", groups)
	}
}
