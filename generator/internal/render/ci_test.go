package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/internal/nixtest"
)

func serviceProject(lang model.Language, port int) *model.Project {
	p := &model.Project{
		Language: lang, Name: "svc", Version: "1.0.0",
		Packages: []model.Package{{Name: "svc", Dir: "cmd/svc", Version: "1.0.0", Binaries: []string{"svc"}, MainProgram: "svc"}},
		Default:  "svc",
		Service: &model.Service{Name: "svc", Program: "svc",
			Endpoint: model.Endpoint{Name: "http", Port: port, Address: "0.0.0.0", PortFlag: "--port", Public: true}, HealthPath: "/health"},
	}
	if lang == model.Go {
		p.Go = &model.GoInfo{Cgo: true}
	} else {
		p.Rust = &model.RustInfo{}
	}
	return p
}

// TestPlainLowPort: a port below 1024 gets CAP_NET_BIND_SERVICE, loses
// PrivateUsers, and still scores at most 2.0.
func TestPlainLowPort(t *testing.T) {
	files, warnings, err := CI(serviceProject(model.Go, 80), model.CI{Target: model.TargetPlain})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	unit := string(files["deploy/svc.service"])
	for _, want := range []string{
		"ExecStart=/usr/local/lib/svc/svc --port 80\n",
		"CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n",
		"AmbientCapabilities=CAP_NET_BIND_SERVICE\n",
		"PrivateUsers=false\n",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	if exposure := nixtest.SecurityExposure(t, "svc.service", unit); exposure > 2.0 {
		t.Errorf("exposure %.1f, want at most 2.0", exposure)
	}
	workflow := string(files[".github/workflows/deploy.yml"])
	for _, want := range []string{`CGO_ENABLED: "1"`, `PACKAGE: "./cmd/svc"`, "actions/setup-go@v7"} {
		if !strings.Contains(workflow, want) {
			t.Errorf("workflow lacks %q", want)
		}
	}
	// Listening on every address without a proxy, setup.sh opens the port.
	if !strings.Contains(string(files["deploy/setup.sh"]), "app_port='80/tcp'") {
		t.Errorf("setup.sh does not open port 80")
	}
}

func TestCIErrors(t *testing.T) {
	noService := serviceProject(model.Rust, 8080)
	noService.Service = nil
	for _, tc := range []struct {
		name string
		p    *model.Project
		opts model.CI
		want string
	}{
		{"plain service", noService, model.CI{Target: model.TargetPlain}, "deploys a service"},
		{"deploy service", noService, model.CI{DeployRepo: "a/b"}, "has no NixOS module to deploy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := CI(tc.p, tc.opts)
			var in *diag.InputError
			if !errors.As(err, &in) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CI: %v, want an input error containing %q", err, tc.want)
			}
		})
	}
}

// TestNixWorkflowSystems: the matrix lists the systems in a fixed order,
// each on its native runner.
func TestNixWorkflowSystems(t *testing.T) {
	files, _, err := CI(serviceProject(model.Rust, 8080), model.CI{Cachix: "c", Systems: []string{"aarch64-darwin", "x86_64-linux", "aarch64-linux"}})
	if err != nil {
		t.Fatal(err)
	}
	got := string(files[".github/workflows/nix.yml"])
	want := `          - system: "x86_64-linux"
            runner: "ubuntu-24.04"
          - system: "aarch64-linux"
            runner: "ubuntu-24.04-arm"
          - system: "aarch64-darwin"
            runner: "macos-26"
`
	if !strings.Contains(got, want) {
		t.Errorf("matrix:\n%s", got)
	}
	if strings.Contains(got, "notify") {
		t.Errorf("notify job without --deploy-repo")
	}
}

func TestUsesPins(t *testing.T) {
	if got := uses("checkout", model.PinTag); got != "actions/checkout@v7" {
		t.Errorf("tag pin: %s", got)
	}
	if got := uses("checkout", model.PinSHA); got != "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1" {
		t.Errorf("sha pin: %s", got)
	}
	for name, a := range actions {
		if len(a.SHA) != 40 || strings.Trim(a.SHA, "0123456789abcdef") != "" {
			t.Errorf("%s: %q is not a commit", name, a.SHA)
		}
		if !strings.HasPrefix(a.Release, a.Tag) {
			t.Errorf("%s: release %s is not under %s", name, a.Release, a.Tag)
		}
	}
}

func TestSystemUser(t *testing.T) {
	for in, want := range map[string]string{"greeter": "greeter", "My.App": "my-app", "2fa": "svc-2fa", strings.Repeat("a", 40): strings.Repeat("a", 32)} {
		if got := systemUser(in); got != want {
			t.Errorf("systemUser(%q) = %q, want %q", in, got, want)
		}
	}
}
