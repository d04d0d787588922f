package host

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

func TestLocalPath(t *testing.T) {
	for ref, want := range map[string]string{
		"../app": "../app", "./app": "./app", ".": ".", "/src/app": "/src/app",
		"path:../app": "../app", "path:/src/app?narHash=x": "/src/app", "git+file:///src/app?ref=main": "/src/app",
		"github:example/app": "", "git+https://example.org/app": "", "app": "", "flake:app": "",
	} {
		got, ok := LocalPath(ref)
		if got != want || ok != (want != "") {
			t.Errorf("LocalPath(%q) = %q, %v; want %q", ref, got, ok, want)
		}
	}
}

const flake = `{ outputs = { self }: { nixosModules.default = import ./nix/module.nix { inherit self; }; }; }`

func TestServiceName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  string // or the error
	}{
		{"bare", fstest.MapFS{"flake.nix": {Data: []byte(flake)}, "nix/module.nix": {Data: []byte("{\n  options.services.greeter = {\n")}}, "greeter"},
		{"quoted", fstest.MapFS{"flake.nix": {Data: []byte(flake)}, "nix/module.nix": {Data: []byte("  options.services.\"2fa\\\"x\" = {")}}, `2fa"x`},
		{"in flake.nix", fstest.MapFS{"flake.nix": {Data: []byte(flake + "\n  options.services.api = { };")}}, "api"},
		{"no flake", fstest.MapFS{}, "app/flake.nix: not found"},
		{"no module", fstest.MapFS{"flake.nix": {Data: []byte("{ outputs = _: { }; }")}}, "has no nixosModules"},
		{"no option", fstest.MapFS{"flake.nix": {Data: []byte(flake)}, "nix/module.nix": {Data: []byte("{ }")}}, "found no options.services.NAME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ServiceName(tc.files, "app")
			if err != nil {
				var in *diag.InputError
				if !errors.As(err, &in) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want an input error containing %q", err, tc.want)
				}
				return
			}
			if got != tc.want {
				t.Errorf("ServiceName = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	app := fstest.MapFS{"flake.nix": {Data: []byte(flake)}, "nix/module.nix": {Data: []byte("  options.services.greeter = {")}}
	open := func(dir string) fs.FS {
		if dir != "../greeter" {
			t.Errorf("opened %q", dir)
		}
		return app
	}
	ok := Options{Host: "web1", App: "github:example/greeter", Service: "greeter", Hostname: "web1.example.org"}
	h, warnings, err := Plan(ok, open)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("Plan: %v %q", err, warnings)
	}
	if h.SSHUser != "root" || h.System != "x86_64-linux" || h.App.Input != "greeter" || h.App.Local {
		t.Errorf("defaults: %+v", h)
	}

	local := Options{Host: "web1", App: "../greeter", Hostname: "203.0.113.10", Dir: "."}
	h, warnings, err = Plan(local, open)
	if err != nil {
		t.Fatal(err)
	}
	if h.App.Service != "greeter" || h.App.URL != "path:../greeter" || !h.App.Local {
		t.Errorf("local app: %+v", h.App)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "cannot fetch") {
		t.Errorf("warnings: %q", warnings)
	}

	for _, tc := range []struct {
		change func(*Options)
		want   string
	}{
		{func(o *Options) { o.Host = "" }, "needs the host's name"},
		{func(o *Options) { o.Host = "web 1" }, `host name "web 1"`},
		{func(o *Options) { o.Host = "-web" }, `host name "-web"`},
		{func(o *Options) { o.App = "" }, "--app is required"},
		{func(o *Options) { o.Hostname = "" }, "--hostname is required"},
		{func(o *Options) { o.Hostname = "-oProxyCommand=id" }, "want a DNS name or an IP address"},
		{func(o *Options) { o.Hostname = "a b" }, "want a DNS name or an IP address"},
		{func(o *Options) { o.Service = "" }, "pass --service NAME"},
		{func(o *Options) { o.Service = "a b" }, `service name "a b"`},
		{func(o *Options) { o.SSHUser = "Root" }, `--ssh-user "Root"`},
		{func(o *Options) { o.System = "x86_64-darwin" }, `--system "x86_64-darwin"`},
		{func(o *Options) { o.Channel = "nixos 26.05" }, "not a nixpkgs branch"},
		{func(o *Options) { o.Cachix = "Cache" }, "a Cachix cache name"},
		{func(o *Options) { o.CachixKey = "k" }, "--cachix-key needs --cachix"},
		{func(o *Options) { o.Cachix = "c"; o.CachixKey = "not a key" }, "want the cache's public key"},
		{func(o *Options) { o.PinActions = "main" }, `--pin-actions "main"`},
	} {
		o := ok
		tc.change(&o)
		_, _, err := Plan(o, open)
		var in *diag.InputError
		if !errors.As(err, &in) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", o, err, tc.want)
		}
	}
}

func TestInputName(t *testing.T) {
	for in, want := range map[string]string{"greeter": "greeter", "my-api": "my-api", "2fa": "app", "deploy-rs": "app", "nixpkgs": "app", "self": "app", "a.b": "app"} {
		if got := inputName(in); got != want {
			t.Errorf("inputName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelativeTo(t *testing.T) {
	for _, tc := range []struct{ dir, path, want string }{
		{".", "../app", "../app"},
		{"config", "app", "../app"},
		{".", "app", "./app"},
		{"/a/config", "/a/app", "../app"},
	} {
		if got := relativeTo(tc.dir, tc.path); got != tc.want {
			t.Errorf("relativeTo(%q, %q) = %q, want %q", tc.dir, tc.path, got, tc.want)
		}
	}
}
