package cargo

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

const lockOf = "version = 3\n[[package]]\nname = \"%s\"\nversion = \"0.1.0\"\n"

func singleCrate(manifest string, files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{"Cargo.toml": {Data: []byte(manifest)}}
	name := strings.Split(strings.SplitN(manifest, "name = \"", 2)[1], "\"")[0]
	fsys["Cargo.lock"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(lockOf, "%s", name))}
	for p, data := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// TestChooseFeatures: the features each package is built with, chosen
// from what its source needs, and the binaries they build.
func TestChooseFeatures(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fsys      fstest.MapFS
		features  []string
		noDefault bool
		bins      []string
		main      string
		warning   string // a substring of one warning
	}{
		{
			name: "defaults build: nothing chosen",
			fsys: singleCrate("[package]\nname = \"app\"\n[features]\ndefault = [\"sqlite\"]\nsqlite = []\npostgres = []\n",
				map[string]string{"src/main.rs": "#[cfg(not(any(feature = \"sqlite\", feature = \"postgres\")))]\ncompile_error!(\"pick a database\");\nfn main() {}\n"}),
			bins: []string{"app"}, main: "app",
		},
		{
			name: "compile_error! without a database feature: the first the guard names",
			fsys: singleCrate("[package]\nname = \"app\"\n[features]\npostgres = []\nsqlite = []\n",
				map[string]string{"src/main.rs": "#[cfg(not(any(feature = \"sqlite\", feature = \"postgres\")))]\ncompile_error!(\"pick a database\");\nfn main() {}\n"}),
			features: []string{"sqlite"}, bins: []string{"app"}, main: "app",
			warning: `src/main.rs:2: compile_error!("pick a database") under cfg(not(any(feature = "sqlite", feature = "postgres"))); the default features of app hit it, so flake.nix builds it with its default features plus sqlite`,
		},
		{
			name: "the feature the message names (vaultwarden's build.rs)",
			fsys: singleCrate("[package]\nname = \"vault\"\n[features]\nmysql = []\nsqlite_system = []\nsqlite = [\"sqlite_system\"]\n",
				map[string]string{"src/main.rs": "fn main() {}\n",
					"build.rs": "fn main() {\n    #[cfg(not(any(feature = \"sqlite_system\", feature = \"mysql\")))]\n    compile_error!(\"You need to enable one DB backend. To build with the backend the project used to default to, do: cargo build --features sqlite\");\n}\n"}),
			features: []string{"sqlite"}, bins: []string{"vault"}, main: "vault",
		},
		{
			name: "a default feature downloads in build.rs: the defaults off, the others kept",
			fsys: singleCrate("[package]\nname = \"app\"\n[features]\ndefault = [\"tls\", \"bundled-assets\"]\ntls = []\nbundled-assets = [\"dep:ureq\"]\n[build-dependencies]\nureq = { version = \"2\", optional = true }\n",
				map[string]string{"src/main.rs": "fn main() {}\n",
					"build.rs": "fn main() {\n    if std::env::var(\"CARGO_FEATURE_BUNDLED_ASSETS\").is_err() {\n        return;\n    }\n    ureq::get(\"https://example.org/a.tar\").call().unwrap();\n}\n"}),
			features: []string{"tls"}, noDefault: true, bins: []string{"app"}, main: "app",
			warning: "build.rs:5: the build script downloads with ureq (under cfg(feature = \"bundled-assets\"), through the optional build-dependency ureq), which the Nix sandbox forbids; the default features of app hit it, so flake.nix builds it with no default features plus tls",
		},
		{
			name: "an optional build-dependency downloads, however the code reads",
			fsys: singleCrate("[package]\nname = \"app\"\n[features]\ndefault = [\"fetch\"]\nfetch = [\"dep:reqwest\"]\n[build-dependencies]\nreqwest = { version = \"0.12\", optional = true }\n",
				map[string]string{"src/main.rs": "fn main() {}\n",
					"build.rs": "fn main() { download(); }\n#[cfg(feature = \"fetch\")]\nfn download() { reqwest::blocking::get(\"https://example.org\").unwrap(); }\n#[cfg(not(feature = \"fetch\"))]\nfn download() {}\n"}),
			noDefault: true, bins: []string{"app"}, main: "app",
		},
		{
			name: "a download nothing turns off",
			fsys: singleCrate("[package]\nname = \"app\"\n",
				map[string]string{"src/main.rs": "fn main() {}\n",
					"build.rs": "fn main() { std::process::Command::new(\"curl\").arg(\"-O\").status().unwrap(); }\n"}),
			bins: []string{"app"}, main: "app",
			warning: "build.rs:1: the build script downloads with curl (command), which the Nix sandbox forbids; nixgen found no features of app that avoid it: the build will fail",
		},
		{
			name: "a [[bin]] the defaults leave out is not built",
			fsys: singleCrate("[package]\nname = \"app\"\n[features]\nadmin = []\n[[bin]]\nname = \"app-admin\"\npath = \"src/admin.rs\"\nrequired-features = [\"admin\"]\n",
				map[string]string{"src/main.rs": "fn main() {}\n", "src/admin.rs": "fn main() {}\n"}),
			bins: []string{"app"}, main: "app",
			warning: `Cargo.toml: binary "app-admin" needs the features admin, which the build leaves off: it is not built`,
		},
		{
			name: "the only [[bin]] needs a feature: it is turned on",
			fsys: singleCrate("[package]\nname = \"tool\"\n[features]\ncli = []\n[lib]\npath = \"src/lib.rs\"\n[[bin]]\nname = \"tool\"\npath = \"src/main.rs\"\nrequired-features = [\"cli\"]\n",
				map[string]string{"src/main.rs": "fn main() {}\n", "src/lib.rs": ""}),
			features: []string{"cli"}, bins: []string{"tool"}, main: "tool",
			warning: "every binary needs features the defaults leave off; flake.nix turns on cli for \"tool\"",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Detect(tc.fsys, Options{})
			if err != nil {
				t.Fatal(err)
			}
			pkg := p.Packages[0]
			if diff := cmp.Diff(tc.features, pkg.Features, cmpEmpty); diff != "" {
				t.Errorf("features (-want +got):\n%s", diff)
			}
			if p.Rust.NoDefaultFeatures != tc.noDefault {
				t.Errorf("no default features = %v, want %v", p.Rust.NoDefaultFeatures, tc.noDefault)
			}
			if diff := cmp.Diff(tc.bins, pkg.Binaries); diff != "" || pkg.MainProgram != tc.main {
				t.Errorf("binaries (-want +got):\n%s; main %q, want %q", diff, pkg.MainProgram, tc.main)
			}
			found := tc.warning == ""
			for _, w := range p.Warnings {
				found = found || strings.Contains(w, tc.warning)
			}
			if !found {
				t.Errorf("no warning contains %q:\n%s", tc.warning, strings.Join(p.Warnings, "\n"))
			}
		})
	}
}

// TestUserFeatures: nixgen.toml's choice replaces nixgen's, is checked
// against the manifests, and is warned about when it cannot build.
func TestUserFeatures(t *testing.T) {
	fsys := singleCrate("[package]\nname = \"app\"\n[features]\npostgres = []\nsqlite = []\n[dependencies]\nredis = { version = \"0.27\", optional = true }\n",
		map[string]string{"src/main.rs": "#[cfg(not(any(feature = \"sqlite\", feature = \"postgres\")))]\ncompile_error!(\"pick a database\");\nfn main() {}\n"})
	list := func(s ...string) *[]string { return &s }
	yes := true

	p, err := Detect(fsys, Options{Features: list("postgres", "redis", "redis/tls")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"postgres", "redis", "redis/tls"}, p.Packages[0].Features); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}

	p, err = Detect(fsys, Options{Features: list(), NoDefaultFeatures: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Rust.NoDefaultFeatures || len(p.Packages[0].Features) != 0 {
		t.Errorf("no-default-features and no features: got %v, %v", p.Rust.NoDefaultFeatures, p.Packages[0].Features)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "the features nixgen.toml chooses for app (no default features) hit it: the build will fail") {
		t.Errorf("no warning that the chosen features hit the compile_error!:\n%s", strings.Join(p.Warnings, "\n"))
	}

	for entry, want := range map[string]string{
		"mysql":        `features "mysql": package app has no feature "mysql" (it has: postgres, sqlite)`,
		"worker/queue": `features "worker/queue": worker is neither a package the flake builds nor a dependency of app`,
		"worker/x/y":   `features "worker/x/y": worker is not a package the flake builds (app)`,
	} {
		_, err := Detect(fsys, Options{Features: list(entry)})
		var in *diag.InputError
		if !errors.As(err, &in) || in.File != "nixgen.toml" || in.Msg != want {
			t.Errorf("features [%q]: got %v, want nixgen.toml: %s", entry, err, want)
		}
	}
}
