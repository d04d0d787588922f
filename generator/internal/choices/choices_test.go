package choices

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/config"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// Every value has one grammar, whether it comes from a flag or from
// nixgen.toml; errors name where it came from.
func TestMergeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags Flags
		file  config.Config
		want  string
	}{
		{"builder flag", Flags{Builder: "nope"}, config.Config{}, `--builder "nope": want one of crane, rust-platform`},
		{"builder file", Flags{}, config.Config{Builder: "nope"}, `nixgen.toml: builder "nope": want one of`},
		{"channel", Flags{Nixpkgs: "nixos 26.05"}, config.Config{}, `--nixpkgs "nixos 26.05"`},
		{"port flag", Flags{Port: 70000}, config.Config{}, "--port 70000: want a port from 1 to 65535"},
		{"port file", Flags{}, config.Config{Service: config.Service{Port: -1}}, "nixgen.toml: [service] port = -1"},
		{"subcommand flag-like", Flags{}, config.Config{Service: config.Service{Subcommand: &[]string{"--serve"}}}, `nixgen.toml: [service] subcommand "--serve"`},
		{"required name", Flags{}, config.Config{Service: config.Service{Required: &[]string{"A-B"}}}, `nixgen.toml: [service] required "A-B"`},
		{"listener name", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "Web UI"}}}}, `[[service.listener]] 1: name "Web UI"`},
		{"listener twice", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "http"}, {Name: "http"}}}}, `[[service.listener]] 2: name "http"`},
		{"listener port", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "http", Port: 70000}}}}, "port = 70000"},
		{"listener env", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "http", PortEnv: "X;id"}}}}, `port-env "X;id"`},
		{"listener flag", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "http", PortFlag: "port"}}}}, `port-flag "port": want a flag with its dashes`},
		{"listener key", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "http", AddrKey: "a.${x}"}}}}, `address-key "a.${x}"`},
		{"listener host", Flags{}, config.Config{Service: config.Service{Listeners: []config.Listener{{Name: "http", Host: "a b"}}}}, `host "a b"`},
		{"vendor flag", Flags{VendorHash: "x"}, config.Config{}, `the only value is "fake"`},
		{"vendor file", Flags{}, config.Config{VendorHash: "x"}, `nixgen.toml: vendor-hash "x"`},
		{"cachix flag", Flags{Cachix: "My_Cache"}, config.Config{}, `--cachix "My_Cache": a Cachix cache name is`},
		{"cachix file", Flags{}, config.Config{CI: config.CI{Cachix: "My_Cache"}}, `nixgen.toml: [ci] cachix "My_Cache"`},
		{"repo", Flags{DeployRepo: "nope"}, config.Config{}, "want the GitHub repository"},
		{"repo dots", Flags{DeployRepo: "a/.."}, config.Config{}, "want the GitHub repository"},
		{"pin flag", Flags{PinActions: "latest"}, config.Config{}, `--pin-actions "latest": want tag`},
		{"pin file", Flags{}, config.Config{CI: config.CI{PinActions: "bogus"}}, `nixgen.toml: [ci] pin-actions "bogus"`},
		{"target flag", Flags{Target: "docker"}, config.Config{}, `--target "docker": want nix (NixOS hosts) or plain`},
		{"target file", Flags{}, config.Config{CI: config.CI{Target: "foo"}}, `nixgen.toml: [ci] target "foo"`},
		{"plain cachix", Flags{Target: "plain", Cachix: "c"}, config.Config{}, "are for --target nix"},
		{"plain systems", Flags{Target: "plain", Systems: []string{"x86_64-linux"}}, config.Config{}, "--systems is for --target nix"},
		{"system flag", Flags{Systems: []string{"riscv64-linux"}}, config.Config{}, `--systems: "riscv64-linux" is not one of`},
		{"system file", Flags{}, config.Config{CI: config.CI{Systems: []string{"x86_64-linux; rm"}}}, `nixgen.toml: [ci] systems: "x86_64-linux; rm"`},
		{"src flag", Flags{Src: "github:foo"}, config.Config{}, `--src "github:foo": want github:OWNER/REPO`},
		{"src file", Flags{}, config.Config{Src: "github:foo"}, `nixgen.toml: src "github:foo"`},
		{"src file local", Flags{}, config.Config{Src: "local"}, `nixgen.toml: src "local"`},
		{"src dash", Flags{Src: "git:--upload-pack=id"}, config.Config{}, `cannot start with "-"`},
		{"src file dash", Flags{}, config.Config{Src: "git:--upload-pack=id"}, `nixgen.toml: src "git:--upload-pack=id"`},
		{"rev local", Flags{Rev: "v1"}, config.Config{}, "--rev pins a remote source"},
		{"prefetcher", Flags{Prefetcher: "curl"}, config.Config{}, `--prefetcher "curl": want auto`},
		{"github url", Flags{GitHubURL: "-x"}, config.Config{}, `--github-url "-x"`},
		{"description NUL", Flags{}, config.Config{Description: "a\x00b"}, "nixgen.toml: description: control characters"},
		{"description newline", Flags{}, config.Config{Description: "a\nExecStartPre=/bin/id"}, "nixgen.toml: description: control characters"},
		{"feature", Flags{}, config.Config{Features: &[]string{"sqlite --offline"}}, `nixgen.toml: features "sqlite --offline": want a Cargo feature`},
		{"feature quote", Flags{}, config.Config{Features: &[]string{`x"; y`}}, `nixgen.toml: features "x\"; y"`},
		{"skip-tests shell", Flags{}, config.Config{SkipTests: &[]string{"a; rm -rf ~"}}, `nixgen.toml: skip-tests "a; rm -rf ~": want a test's name`},
		{"skip-tests flag", Flags{}, config.Config{SkipTests: &[]string{"--exact"}}, `nixgen.toml: skip-tests "--exact"`},
		{"skip-tests interpolation", Flags{}, config.Config{SkipTests: &[]string{"${builtins.currentTime}"}}, `skip-tests "${builtins.currentTime}"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.flags, &tc.file)
			if diag.ExitCode(err) != diag.ExitInput || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Merge: %v, want an input error containing %q", err, tc.want)
			}
		})
	}
}

// Flags win over the file; the file fills what the flags leave unset; the
// defaults fill the rest.
func TestMerge(t *testing.T) {
	on := true
	file := config.Config{
		Builder: "crane", Nixpkgs: "nixos-unstable", Bin: "api", VendorHash: "fake", Description: "d",
		Include: []string{"assets"}, Src: "github:acme/api", PrefetchDeps: true, Owned: []string{"flake.nix"},
		Service:  config.Service{Enabled: &on, Port: 3000},
		CI:       config.CI{Cachix: "acme", PinActions: "sha", Systems: []string{"aarch64-linux"}},
		Features: &[]string{"sqlite"}, NoDefaultFeatures: &on, SkipTests: &[]string{"db::tests::connects"},
	}
	got, err := Merge(Flags{Builder: "rust-platform", Port: 4000, Src: "local"}, &file)
	if err != nil {
		t.Fatal(err)
	}
	want := Choices{
		Builder: model.RustPlatform, Channel: "nixos-unstable", Bin: "api", Service: ServiceOn, Port: 4000,
		FakeVendorHash: true, Description: "d", Include: []string{"assets"}, Owned: []string{"flake.nix"},
		CI:       model.CI{Cachix: "acme", PinActions: "sha", Target: "nix", Systems: []string{"aarch64-linux"}},
		Src:      model.Src{Prefetcher: "auto", PrefetchDeps: true},
		Features: &[]string{"sqlite"}, NoDefaultFeatures: &on, SkipTests: &[]string{"db::tests::connects"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	got, err = Merge(Flags{}, &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	want = Choices{Channel: model.DefaultChannel, CI: model.CI{PinActions: model.PinTag, Target: model.TargetNix}, Src: model.Src{Prefetcher: model.PrefetchAuto}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestParseSrc(t *testing.T) {
	for in, want := range map[string]model.Src{
		"local":                     {},
		"github":                    {Kind: "github"},
		"github:acme/api":           {Kind: "github", Owner: "acme", Repo: "api"},
		"github:acme/api.git":       {Kind: "github", Owner: "acme", Repo: "api"},
		"git":                       {Kind: "git"},
		"git:https://example.org/x": {Kind: "git", URL: "https://example.org/x"},
		"git:git@example.org:x.git": {Kind: "git", URL: "git@example.org:x.git"},
	} {
		got, err := ParseSrc(in)
		if err != nil || !cmp.Equal(got, want) {
			t.Errorf("ParseSrc(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "github:", "github:a", "github:a/b/c", "git:", "git:-u", "git:ext::sh -c id", "svn:x", "local:x"} {
		if _, err := ParseSrc(bad); err == nil {
			t.Errorf("ParseSrc(%q): no error", bad)
		}
	}
}

// TestRecordBuild: nixgen.toml records the features and skipped tests a
// generation used: the default package's features plain, another's with
// its name; for Go, only the tests.
func TestRecordBuild(t *testing.T) {
	p := &model.Project{Default: "api", Rust: &model.RustInfo{NoDefaultFeatures: true},
		Packages:  []model.Package{{Name: "api", Features: []string{"sqlite", "tokio/full"}}, {Name: "worker", Features: []string{"queue"}}},
		SkipTests: []model.SkippedTest{{Name: "db::tests::connects"}}}
	cfg := Record(Choices{}, p, model.Crane, nil, nil)
	if diff := cmp.Diff([]string{"sqlite", "tokio/full", "worker/queue"}, *cfg.Features); diff != "" || !*cfg.NoDefaultFeatures {
		t.Errorf("features (-want +got):\n%s; no-default-features %v", diff, *cfg.NoDefaultFeatures)
	}
	if diff := cmp.Diff([]string{"db::tests::connects"}, *cfg.SkipTests); diff != "" {
		t.Errorf("skip-tests (-want +got):\n%s", diff)
	}
	g := Record(Choices{}, &model.Project{Go: &model.GoInfo{}}, "", nil, nil)
	if g.Features != nil || g.NoDefaultFeatures != nil || g.SkipTests == nil || len(*g.SkipTests) != 0 {
		t.Errorf("a Go project records no features and an empty skip-tests: %v %v %v", g.Features, g.NoDefaultFeatures, g.SkipTests)
	}
}
