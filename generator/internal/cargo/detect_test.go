package cargo

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

const lockV4 = "version = 4\n"

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestDetectErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fsys  fstest.MapFS
		want  string // substring of the error
		wantF string // InputError.File
		line  int
	}{
		{
			name: "malformed toml",
			fsys: fstest.MapFS{"Cargo.toml": file("[package]\nname = \"x\"\nversion = 0.1.0\n"), "Cargo.lock": file(lockV4)},
			want: "Cargo.toml:3:", wantF: "Cargo.toml", line: 3,
		},
		{
			name: "missing lock",
			fsys: fstest.MapFS{"Cargo.toml": file("[package]\nname = \"x\"\n"), "src/main.rs": file("")},
			want: "cargo generate-lockfile", wantF: "Cargo.lock",
		},
		{
			name: "no package name",
			fsys: fstest.MapFS{"Cargo.toml": file("[package]\nversion = \"1\"\n"), "Cargo.lock": file(lockV4)},
			want: "[package] has no name", wantF: "Cargo.toml",
		},
		{
			name: "not a manifest",
			fsys: fstest.MapFS{"Cargo.toml": file("[foo]\n"), "Cargo.lock": file(lockV4)},
			want: "neither [package] nor [workspace]", wantF: "Cargo.toml",
		},
		{
			name: "member outside",
			fsys: fstest.MapFS{"Cargo.toml": file("[workspace]\nmembers = [\"../x\"]\n"), "Cargo.lock": file(lockV4)},
			want: "outside the repository", wantF: "Cargo.toml",
		},
		{
			name: "bad member manifest",
			fsys: fstest.MapFS{"Cargo.toml": file("[workspace]\nmembers = [\"a\"]\n"), "a/Cargo.toml": file("[package\n"), "Cargo.lock": file(lockV4)},
			want: "a/Cargo.toml:1:", wantF: "a/Cargo.toml", line: 1,
		},
		{
			name: "nul in description",
			fsys: fstest.MapFS{"Cargo.toml": file("[package]\nname = \"x\"\ndescription = \"a\\u0000b\"\n"), "src/main.rs": file(""), "Cargo.lock": file(lockV4)},
			want: "NUL", wantF: "Cargo.toml",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Detect(tc.fsys, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var in *diag.InputError
			if !errors.As(err, &in) {
				t.Fatalf("error %v is %T, want *diag.InputError", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if in.File != tc.wantF || (tc.line != 0 && in.Line != tc.line) {
				t.Errorf("error at %s:%d, want %s:%d", in.File, in.Line, tc.wantF, tc.line)
			}
			if diag.ExitCode(err) != diag.ExitInput {
				t.Errorf("exit code %d, want %d", diag.ExitCode(err), diag.ExitInput)
			}
		})
	}
}

func TestDetectWorkspace(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml": file(`[workspace]
members = ["crates/*", "tools/gen"]
exclude = ["crates/old"]
default-members = ["crates/b"]
[workspace.package]
version = "2.1.0"
description = "shared"
license = "MIT"
repository = "https://example.org/repo"
rust-version = "1.80"
`),
		"Cargo.lock":                     file(lockV4),
		"crates/a/Cargo.toml":            file("[package]\nname = \"a\"\nversion.workspace = true\n"),
		"crates/a/src/lib.rs":            file(""),
		"crates/b/Cargo.toml":            file("[package]\nname = \"b\"\nversion.workspace = true\ndescription = \"bee\"\nlicense.workspace = true\n[[bin]]\nname = \"bee\"\npath = \"src/main.rs\"\n"),
		"crates/b/src/main.rs":           file(""),
		"crates/b/src/bin/tool.rs":       file(""),
		"crates/b/src/bin/multi/main.rs": file(""),
		"crates/old/Cargo.toml":          file("[package]\nname = \"old\"\n"),
		"crates/old/src/main.rs":         file(""),
		"crates/notacrate/README":        file(""),
		"tools/gen/Cargo.toml":           file("[package]\nname = \"gen\"\nversion = \"0.1.0\"\nautobins = false\n"),
		"tools/gen/src/main.rs":          file(""),
	}
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Package{{
		Name: "b", Dir: "crates/b", Version: "2.1.0", Description: "bee",
		Binaries: []string{"bee", "multi", "tool"}, MainProgram: "bee",
	}}
	if diff := cmp.Diff(want, p.Packages); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if p.Name != "b" || p.Default != "b" || p.Version != "2.1.0" || p.Homepage != "https://example.org/repo" || p.Description != "bee" {
		t.Errorf("project = %q %q %q %q %q", p.Name, p.Default, p.Version, p.Homepage, p.Description)
	}
	if diff := cmp.Diff([]string{"mit"}, p.Licenses); diff != "" {
		t.Errorf("licenses (-want +got):\n%s", diff)
	}
	if !p.Rust.Workspace || p.Rust.RustVersion != "1.80" {
		t.Errorf("rust info = %+v", p.Rust)
	}
}

func TestDetectDefault(t *testing.T) {
	base := fstest.MapFS{
		"Cargo.toml":    file("[workspace]\nmembers = [\"x\", \"y\"]\n"),
		"Cargo.lock":    file(lockV4),
		"x/Cargo.toml":  file("[package]\nname = \"x\"\n"),
		"x/src/main.rs": file(""),
		"y/Cargo.toml":  file("[package]\nname = \"y\"\n"),
		"y/src/main.rs": file(""),
	}
	p, err := Detect(base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Default != "x" || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "--bin") {
		t.Errorf("default %q, warnings %q", p.Default, p.Warnings)
	}
	p, err = Detect(base, Options{Default: "y"})
	if err != nil || p.Default != "y" || p.Name != "y" || len(p.Warnings) != 0 {
		t.Errorf("--bin y: %v %q %q", err, p.Default, p.Warnings)
	}
	if _, err := Detect(base, Options{Default: "z"}); err == nil || !strings.Contains(err.Error(), "choose one of: x, y") {
		t.Errorf("--bin z: %v", err)
	}
}

func TestGitDeps(t *testing.T) {
	lock := `version = 3
[[package]]
name = "b"
version = "1.0.0"
source = "git+https://github.com/o/r?branch=main#aaaa"
[[package]]
name = "a"
version = "1.0.0"
source = "git+https://github.com/o/r?branch=main#aaaa"
[[package]]
name = "c"
version = "0.2.0"
source = "git+ssh://git@example.org/c.git?rev=bbbb#bbbbbbbb"
[[package]]
name = "serde"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`
	fsys := fstest.MapFS{"Cargo.toml": file("[package]\nname = \"x\"\n"), "src/main.rs": file(""), "Cargo.lock": file(lock)}
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.GitDep{
		{Key: "a-1.0.0", URL: "https://github.com/o/r", Commit: "aaaa"},
		{Key: "c-0.2.0", URL: "ssh://git@example.org/c.git", Commit: "bbbbbbbb"},
	}
	if diff := cmp.Diff(want, p.Rust.GitDeps); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScanSources(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml": file("[package]\nname = \"x\"\nbuild = \"build/main.rs\"\n"),
		"Cargo.lock": file(lockV4),
		"src/main.rs": file(`
const A: &str = include_str!("../assets/a.txt");
const B: &[u8] = include_bytes!("data/b.bin");
const C: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/conf/c.toml"));
const D: &str = include_str!("lib.rs");
static M: Migrator = sqlx::migrate!("./db/migrations");
const GONE: &str = include_str!("../nope.txt");
`),
		"src/lib.rs":          file(""),
		"src/data/b.bin":      file("b"),
		"assets/a.txt":        file("a"),
		"assets/other.txt":    file("o"),
		"conf/c.toml":         file(""),
		"db/migrations/1.sql": file(""),
		"build/main.rs":       file(`fn main() { println!("cargo:rerun-if-changed=schema/api.graphql"); compile(&["proto/x.proto"], &["proto"]); let _ = "not a path"; }`),
		"schema/api.graphql":  file(""),
		"proto/x.proto":       file(""),
		"target/debug/x.rs":   file(`include_str!("../../secret")`),
	}
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"assets/a.txt", "db/migrations", "proto", "schema/api.graphql", "src/data/b.bin"}
	if diff := cmp.Diff(want, p.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if len(p.Warnings) != 1 || p.Warnings[0] != "src/main.rs:7: include_str! reads nope.txt, which does not exist; the build will fail until it does" {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

// What macros and attributes of other crates read: askama templates
// (templates/ or askama.toml's dirs), rust-embed folders, include_dir!,
// grass::include! (and what the stylesheet imports beside it); never the
// repository's .git, which a build script may name.
func TestScanSourcesMacros(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml":     file("[workspace]\nmembers = [\"web\", \"mail\"]\n"),
		"Cargo.lock":     file(lockV4),
		"web/Cargo.toml": file("[package]\nname = \"web\"\n"),
		"web/build.rs":   file(`fn main() { println!("cargo:rerun-if-changed=../.git/HEAD"); println!("cargo:rerun-if-changed=.git"); }`),
		"web/src/main.rs": file(`
#[derive(askama::Template)]
#[template(path = "index.html")]
struct Index;
#[derive(rust_embed::RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/static/"]
struct Assets;
static SQL: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/sql");
const CSS: &str = grass::include!("style/main.scss");
fn main() {}
`),
		"web/templates/index.html":    file(""),
		"web/static/app.js":           file(""),
		"web/sql/1.sql":               file(""),
		"web/style/main.scss":         file("@use 'themes/dark';"),
		"web/style/themes/_dark.scss": file(""),
		"web/.git/HEAD":               file(""),
		".git/HEAD":                   file(""),
		"mail/Cargo.toml":             file("[package]\nname = \"mail\"\n"),
		"mail/askama.toml":            file("[general]\ndirs = [\"views\"]\n"),
		"mail/src/main.rs":            file("#[derive(Template)]\n#[template(path = \"m.txt\")]\nstruct M;\nfn main() {}\n"),
		"mail/views/m.txt":            file(""),
	}
	p, err := Detect(fsys, Options{Default: "web"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mail/views", "web/sql", "web/static", "web/style", "web/templates"}
	if diff := cmp.Diff(want, p.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
}

// A member below the root package is scanned as itself: its
// sqlx::migrate!() reads its own migrations/, not the root's.
func TestScanSourcesNestedMember(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml":                  file("[package]\nname = \"app\"\n[workspace]\nmembers = [\"db\"]\n"),
		"Cargo.lock":                  file(lockV4),
		"src/main.rs":                 file("fn main() {}"),
		"db/Cargo.toml":               file("[package]\nname = \"db\"\n"),
		"db/src/lib.rs":               file("pub static M: sqlx::migrate::Migrator = sqlx::migrate!();"),
		"db/migrations/0001_init.sql": file(""),
	}
	p, err := Detect(fsys, Options{Default: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"db/migrations"}, p.Sources); diff != "" || len(p.Warnings) != 0 {
		t.Errorf("sources (-want +got):\n%s\nwarnings = %q", diff, p.Warnings)
	}
}

func TestSqlx(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml":  file("[package]\nname = \"x\"\n[dependencies]\nsqlx = \"0.8\"\n"),
		"Cargo.lock":  file(lockV4),
		"src/main.rs": file(`fn main() { sqlx::query!("SELECT 1"); }`),
	}
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rust.SqlxOffline || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "cargo sqlx prepare") {
		t.Errorf("without .sqlx: offline=%v warnings=%q", p.Rust.SqlxOffline, p.Warnings)
	}
	fsys[".sqlx/query-1.json"] = file("{}")
	p, err = Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Rust.SqlxOffline || len(p.Warnings) != 0 || !cmp.Equal(p.Sources, []string{".sqlx"}) {
		t.Errorf("with .sqlx: offline=%v warnings=%q sources=%q", p.Rust.SqlxOffline, p.Warnings, p.Sources)
	}
	if !cmp.Equal(p.Env, []model.EnvVar{{Name: "SQLX_OFFLINE", Value: `"true"`}}) {
		t.Errorf("env = %v", p.Env)
	}
}

func TestServer(t *testing.T) {
	for _, tc := range []struct {
		deps string
		want bool
	}{
		{"axum = \"0.8\"", true},
		{"actix-web = \"4\"", true},
		{"web = { package = \"warp\", version = \"0.3\" }", true},
		{"hyper = { version = \"1\", features = [\"client\"] }", false},
		{"hyper = { version = \"1\", features = [\"server\", \"http1\"] }", true},
		{"clap = \"4\"", false},
	} {
		fsys := fstest.MapFS{"Cargo.toml": file("[package]\nname = \"x\"\n[dependencies]\n" + tc.deps + "\n"), "Cargo.lock": file(lockV4), "src/main.rs": file("")}
		p, err := Detect(fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Server != tc.want {
			t.Errorf("%s: server = %v, want %v", tc.deps, p.Server, tc.want)
		}
	}
}

// In a workspace, the default package decides: a worker beside an API is
// no server.
func TestServerPerPackage(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml":         file("[workspace]\nmembers = [\"api\", \"worker\"]\n[workspace.dependencies]\nhyper = { version = \"1\", features = [\"server\"] }\n"),
		"Cargo.lock":         file(lockV4),
		"api/Cargo.toml":     file("[package]\nname = \"api\"\n[dependencies]\nhyper.workspace = true\n"),
		"api/src/main.rs":    file(""),
		"worker/Cargo.toml":  file("[package]\nname = \"worker\"\n[dependencies]\nserde = \"1\"\n"),
		"worker/src/main.rs": file(""),
	}
	for bin, want := range map[string]bool{"api": true, "worker": false} {
		p, err := Detect(fsys, Options{Default: bin})
		if err != nil {
			t.Fatal(err)
		}
		if p.Server != want {
			t.Errorf("--bin %s: server = %v, want %v", bin, p.Server, want)
		}
	}
}
