package nixtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// ModuleResult is what EvalModule reports about one NixOS service.
type ModuleResult struct {
	// Unit is the text of systemd.units."<service>.service", as NixOS
	// renders it; empty when the module defines no such unit.
	Unit string `json:"unit"`
	// Units holds the text of every systemd unit of the system, by name.
	Units map[string]string `json:"units"`
	// Warnings are config.warnings (the ones NixOS prints when building).
	Warnings []string `json:"warnings"`
	// Service is systemd.services.<service>, the options a module sets most
	// (derivations appear as store paths); nil when there is none.
	Service *ServiceConfig `json:"service"`
	// OpenTCPPorts is networking.firewall.allowedTCPPorts.
	OpenTCPPorts []int `json:"openTCPPorts"`
	// Users and Groups are the names in users.users and users.groups.
	Users  []string `json:"users"`
	Groups []string `json:"groups"`
}

// ServiceConfig is part of systemd.services.<name> as JSON.
type ServiceConfig struct {
	Enable        bool           `json:"enable"`
	Description   string         `json:"description"`
	Wants         []string       `json:"wants"`
	Requires      []string       `json:"requires"`
	After         []string       `json:"after"`
	Before        []string       `json:"before"`
	WantedBy      []string       `json:"wantedBy"`
	RequiredBy    []string       `json:"requiredBy"`
	Environment   map[string]any `json:"environment"`
	ServiceConfig map[string]any `json:"serviceConfig"`
	UnitConfig    map[string]any `json:"unitConfig"`
	Script        string         `json:"script"`
	PreStart      string         `json:"preStart"`
}

// moduleFlake is a harness flake: the flake under test as input `app`, its
// nixosModules.default and a definition of services.<name> evaluated with
// the stand-in lib.nixosSystem on x86_64-linux. Forcing toplevel checks the
// assertions, as building a real system would.
const moduleFlake = `{
  inputs.app.url = %[1]s;
  inputs.nixpkgs.url = %[2]s;
  outputs = { self, app, nixpkgs }:
    let
      lib = nixpkgs.lib;
      service = %[3]s;
      system = lib.nixosSystem {
        system = "x86_64-linux";
        modules = [
          app.nixosModules.default
          ({ lib, ... }: {
            fileSystems."/" = lib.mkDefault { device = "/dev/disk/by-label/nixos"; fsType = "ext4"; };
            boot.loader.grub.devices = lib.mkDefault [ "nodev" ];
            system.stateVersion = lib.mkDefault "25.05";
          })
          { _file = "nixtest: services.${service}"; services.${service} = (%[4]s); }
          (%[5]s)
        ];
      };
      cfg = system.config;
      svc = cfg.systemd.services.${service};
      pick = names: lib.genAttrs names (n: svc.${n});
    in
    {
      result = builtins.seq cfg.system.build.toplevel.drvPath {
        unit = cfg.systemd.units."${service}.service".text or "";
        units = lib.mapAttrs (n: u: if u.text == null then "" else u.text) cfg.systemd.units;
        warnings = cfg.warnings;
        service = if cfg.systemd.services ? ${service}
          then pick [ "enable" "description" "wants" "requires" "after" "before" "wantedBy" "requiredBy" "environment" "serviceConfig" "unitConfig" "script" "preStart" ]
          else null;
        openTCPPorts = cfg.networking.firewall.allowedTCPPorts;
        users = builtins.attrNames cfg.users.users;
        groups = builtins.attrNames cfg.users.groups;
      };
    };
}
`

// EvalModule evaluates the flake's nixosModules.default in a stand-in
// NixOS system with `services.<service> = <configNix>;` (configNix is Nix
// text such as `{ enable = true; port = 25; }`), forces the system's
// toplevel so assertions apply, and returns the rendered units, warnings
// and the service's settings. Any evaluation error fails the test.
func EvalModule(t testing.TB, flakeDir, service, configNix string) ModuleResult {
	t.Helper()
	return EvalModuleWith(t, flakeDir, service, configNix, "{ }")
}

// EvalModuleWith is EvalModule with one more NixOS module (Nix text such as
// `{ security.acme.acceptTerms = true; }`) for settings outside the service.
func EvalModuleWith(t testing.TB, flakeDir, service, configNix, extraNix string) ModuleResult {
	t.Helper()
	res, err := evalModule(t, flakeDir, service, configNix, extraNix)
	if err != nil {
		t.Fatalf("evaluating services.%s of %s:\n%s", service, flakeDir, errorText(err))
	}
	return res
}

// EvalModuleErr is EvalModule for tests that expect a failure: it returns
// the evaluation error (a *NixError), or nil when evaluation succeeded.
func EvalModuleErr(t testing.TB, flakeDir, service, configNix string) error {
	t.Helper()
	_, err := evalModule(t, flakeDir, service, configNix, "{ }")
	return err
}

func evalModule(t testing.TB, flakeDir, service, configNix, extraNix string) (ModuleResult, error) {
	t.Helper()
	appDir, err := filepath.Abs(evalDirFor(t, flakeDir))
	if err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	harness := t.TempDir()
	text := fmt.Sprintf(moduleFlake,
		nixString("path:"+appDir),
		nixString("path:"+filepath.Join(StandinsDir(t), "nixpkgs")),
		nixString(service),
		configNix, extraNix)
	if err := os.WriteFile(filepath.Join(harness, "flake.nix"), []byte(text), 0o644); err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	args := []string{"eval", "--json", "--no-write-lock-file"}
	args = append(args, overrideArgs(t, appDir, "app/")...)
	args = append(args, flakeRef(harness)+"#result")
	out, err := run(t, "nix", args...)
	if err != nil {
		return ModuleResult{}, err
	}
	var res ModuleResult
	if err := json.Unmarshal([]byte(out.Stdout), &res); err != nil {
		t.Fatalf("nixtest: decoding the module result: %v\n%s", err, out.Stdout)
	}
	for _, w := range res.Warnings {
		t.Logf("NixOS warning: %s", w)
	}
	for _, w := range out.Warnings {
		t.Logf("evaluation warning: %s", w)
	}
	return res, nil
}
