package score

import (
	"reflect"
	"testing"
)

const testModule = `{ self }:
{ config, lib, pkgs, utils, ... }:
let
  cfg = config.services.demo;
in
{
  options.services.demo = {
    port = lib.mkOption {
      type = lib.types.ints.between 1 65535;
      default = 7000;
      description = "TCP port (passed as DEMO_PORT).";
    };
    metricsPort = lib.mkOption {
      type = lib.types.port;
      default = 9100;
    };
    grpcPort = lib.mkOption {
      type = lib.types.port;
      default = 50051;
    };
    environment = lib.mkOption {
      type = lib.types.attrsOf lib.types.str;
      default = { };
    };
  };
  config = lib.mkIf cfg.enable {
    networking.firewall.allowedTCPPorts = lib.optional cfg.openFirewall cfg.port;
    services.demo.settings.grpc.addr = lib.mkDefault "127.0.0.1:${toString cfg.grpcPort}";
    systemd.services.demo = {
      environment = {
        DEMO_PORT = toString cfg.port;
        HOST = cfg.listenAddress;
      }
      // cfg.environment;
      serviceConfig = {
        ExecStart = utils.escapeSystemdExecArgs (
          [ (lib.getExe' cfg.package "demo") ]
          ++ [
            "serve"
            "--web.listen-address"
            "${addressHost}:${toString cfg.metricsPort}"
            "--config"
            "${configFile}"
          ]
          ++ cfg.extraArgs
        );
      };
    };
  };
}
`

func TestParseModule(t *testing.T) {
	m := parseModule(testModule)
	wantPorts := map[string]int{"port": 7000, "metricsPort": 9100, "grpcPort": 50051}
	if !reflect.DeepEqual(m.Ports, wantPorts) {
		t.Errorf("ports = %v, want %v", m.Ports, wantPorts)
	}
	for opt, want := range map[string]string{"port": "env:DEMO_PORT", "metricsPort": "flag:--web.listen-address", "grpcPort": "config:services.demo.settings.grpc.addr"} {
		if got := m.Setters[opt]; len(got) != 1 || got[0] != want {
			t.Errorf("setters[%s] = %v, want [%s]", opt, got, want)
		}
	}
	if got := m.execArgs(); !reflect.DeepEqual(got, []string{"serve"}) {
		t.Errorf("execArgs = %q", got)
	}
	if !requiredFound("--config", m) || !requiredFound("arg:CONFIG", m) || !requiredFound("DEMO_PORT", m) || requiredFound("DEMO_SECRET", m) {
		t.Error("requiredFound rules")
	}
}

func TestSetterMatches(t *testing.T) {
	for _, c := range []struct {
		oracle, got string
		want        bool
	}{
		{"env:PORT", "env:PORT", true},
		{"env:PORT", "env:APP_PORT", false},
		{"flag:-listen-addr", "flag:--listen-addr", true},
		{"config:grpc.addr", "config:services.demo.settings.grpc.addr", true},
		{"config:web.http", "env:HTTP", false},
	} {
		if got := setterMatches(c.oracle, c.got); got != c.want {
			t.Errorf("setterMatches(%q, %q) = %v", c.oracle, c.got, got)
		}
	}
}

const testFlake = `
        src = lib.fileset.toSource {
          root = ./.;
          fileset = lib.fileset.unions [
            ./Cargo.lock
            (lib.fileset.fileFilter (file: lib.any file.hasExt [ "rs" "toml" ]) ./.)
            ./templates
            ./data/logo.svg
          ];
        };
        commonArgs = {
          nativeBuildInputs = [ pkgs.pkg-config ];
          buildInputs = [
            pkgs.openssl
            pkgs.sqlite
          ] ++ lib.optionals pkgs.stdenv.isDarwin [ pkgs.libiconv ];
        };
        gofmt = pkgs.runCommand "gofmt-check" { nativeBuildInputs = [ go ]; } "";
          testScript = ''
            machine.succeed("curl --fail --silent --show-error http://127.0.0.1:8080/healthz")
          '';
`

func TestFlake(t *testing.T) {
	got := nativeInputs(testFlake)
	want := map[string]bool{"pkg-config": true, "openssl": true, "sqlite": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("nativeInputs = %v", got)
	}
	fs := parseFileset(testFlake)
	for p, want := range map[string]bool{"templates/index.html": true, "templates": true, "data/logo.svg": true, "data/style.scss": false, "build.toml": true, "migrations": false} {
		if fs.covers(p) != want {
			t.Errorf("covers(%q) = %v", p, !want)
		}
	}
	if hp := healthPaths(testFlake); !reflect.DeepEqual(hp, []string{"/healthz"}) {
		t.Errorf("healthPaths = %q", hp)
	}
}

func TestSplitSections(t *testing.T) {
	files := splitSections("==> flake.nix <==\na\n==> nix/module.nix <==\nb\n==> nixgen.toml <==\nbin = \"x\"\n")
	if files["flake.nix"] != "\na\n" || files["nix/module.nix"] != "\nb\n" || tomlBin(files["nixgen.toml"]) != "x" {
		t.Errorf("sections = %q", files)
	}
}

// ExecStart lists on one line, as nixgen lays a short list out.
func TestExecArgsOneLine(t *testing.T) {
	m := &Module{ExecLines: []string{"[ (lib.getExe' cfg.package \"tally\") ]", "++ [ \"serve\" ]", "++ [ \"--port\" (toString cfg.port) ]", "++ cfg.extraArgs"}}
	if got := m.execArgs(); !reflect.DeepEqual(got, []string{"serve"}) {
		t.Errorf("execArgs = %q", got)
	}
}

// Options of a listener's own set (smtp.port) are told apart from the
// main port, each with its own setter.
func TestParseModuleNested(t *testing.T) {
	m := parseModule(`{ config, lib, ... }:
let cfg = config.services.mail; in
{
  options.services.mail = {
    port = lib.mkOption {
      type = lib.types.port;
      default = 3001;
    };
    smtp = {
      port = lib.mkOption {
        type = lib.types.port;
        default = 25;
      };
    };
  };
  config = lib.mkIf cfg.enable {
    systemd.services.mail = {
      environment = {
        HTTP_PORT = toString cfg.port;
        SMTP_PORT = toString cfg.smtp.port;
      };
    };
  };
}
`)
	if want := map[string]int{"port": 3001, "smtp.port": 25}; !reflect.DeepEqual(m.Ports, want) {
		t.Errorf("ports = %v, want %v", m.Ports, want)
	}
	for opt, want := range map[string][]string{"port": {"env:HTTP_PORT"}, "smtp.port": {"env:SMTP_PORT"}} {
		if got := m.Setters[opt]; !reflect.DeepEqual(got, want) {
			t.Errorf("setters[%s] = %v, want %v", opt, got, want)
		}
	}
}

func TestWouldStart(t *testing.T) {
	good := Row{Run: "ok", Default: Pass, Listeners: Pass, Subcmd: NA, Required: Pass}
	if !good.wouldStart() {
		t.Error("a row right in every respect does not start")
	}
	for _, bad := range []Row{
		{Run: "rc=2", Default: Pass, Listeners: Pass, Subcmd: NA, Required: NA},
		{Run: "ok", Default: Pass, Listeners: Fail, Subcmd: NA, Required: NA},
		{Run: "ok", Default: Pass, Listeners: Pass, Subcmd: Fail, Required: NA},
		{Run: "ok", Default: Pass, Listeners: Pass, Subcmd: NA, Required: Fail},
		{Run: "ok", Default: Fail, Listeners: Pass, Subcmd: NA, Required: NA},
	} {
		if bad.wouldStart() {
			t.Errorf("%+v starts", bad)
		}
	}
}

func TestWouldBuild(t *testing.T) {
	good := Row{Run: "ok", Default: Pass, Fileset: Pass, Features: NA, NativeTP: 2, NativeFP: 1}
	if !good.wouldBuild() {
		t.Error("a row right in every respect (an extra input is harmless) does not build")
	}
	for _, bad := range []Row{
		{Run: "rc=2", Default: Pass, Fileset: NA, Features: NA},
		{Run: "ok", Default: Fail, Fileset: NA, Features: NA},
		{Run: "ok", Default: Pass, Fileset: NA, Features: NA, NativeFN: 1},
		{Run: "ok", Default: Pass, Fileset: Fail, Features: NA},
		{Run: "ok", Default: Pass, Fileset: NA, Features: Fail},
		{Run: "ok", Default: Pass, Fileset: NA, Features: NA, Generated: true},
	} {
		if bad.wouldBuild() {
			t.Errorf("%+v builds", bad)
		}
	}
}

func TestFeatureSelections(t *testing.T) {
	flake := `
          buildFeatures = [
            "sqlite"
            "vendored-openssl"
          ];
          cargoExtraArgs = "--locked --no-default-features --features postgresql,mysql";
`
	got := featureSelections(flake)
	for _, f := range []string{"sqlite", "vendored-openssl", "postgresql", "mysql"} {
		if !got[f] {
			t.Errorf("%s not read as selected from %q", f, flake)
		}
	}
	if got["locked"] || len(got) != 4 {
		t.Errorf("selected %v", got)
	}
}
