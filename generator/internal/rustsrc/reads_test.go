package rustsrc

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// findReads runs FindReads over path/source pairs, with tests/ as the
// crate's test directory.
func findReads(t *testing.T, files ...string) Reads {
	t.Helper()
	var fs []File
	for i := 0; i < len(files); i += 2 {
		fs = append(fs, File{Path: files[i], Src: []byte(files[i+1])})
	}
	r, err := FindReads(fs, func(p string) bool { return strings.HasPrefix(p, "tests/") })
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFindReads(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  Reads
	}{
		{
			name: "include_str and include_bytes are relative to the file",
			files: []string{"src/web/page.rs", `
const PAGE: &str = include_str!("../../static/index.html");
static LOGO: &[u8] = include_bytes!("logo.png");
fn raw() -> &'static str { include_str!(r"data/raw.txt") }
`},
			want: Reads{Paths: []Read{
				{Path: "../../static/index.html", Base: FromFile, Via: "include_str!", At: "src/web/page.rs:2", File: "src/web/page.rs"},
				{Path: "logo.png", Base: FromFile, Via: "include_bytes!", At: "src/web/page.rs:3", File: "src/web/page.rs"},
				{Path: "data/raw.txt", Base: FromFile, Via: "include_str!", At: "src/web/page.rs:4", File: "src/web/page.rs"},
			}},
		},
		{
			name: "include_str inside another macro's arguments",
			files: []string{"src/main.rs", `fn main() {
    println!("{}", include_str!("banner.txt"));
}`},
			want: Reads{Paths: []Read{
				{Path: "banner.txt", Base: FromFile, Via: "include_str!", At: "src/main.rs:2", File: "src/main.rs"},
			}},
		},
		{
			name: "concat of CARGO_MANIFEST_DIR is relative to the crate",
			files: []string{"src/lib.rs", `
pub const SCHEMA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/", "v1.sql"));
`},
			want: Reads{Paths: []Read{
				{Path: "schema/v1.sql", Base: FromCrate, Via: "include_str!", At: "src/lib.rs:2", File: "src/lib.rs"},
			}},
		},
		{
			name: "concat with OUT_DIR is a file the build makes",
			files: []string{"src/lib.rs", `
include!(concat!(env!("OUT_DIR"), "/generated.rs"));
pub const V: &str = include_str!(concat!(env!("OUT_DIR"), "/version.txt"));
`},
			want: Reads{},
		},
		{
			name: "a macro_rules body with concat of a literal prefix reads that directory",
			files: []string{"src/config.rs", `
macro_rules! template {
    ($name:expr) => {
        include_str!(concat!("static/templates/", $name, ".hbs"))
    };
}
`},
			want: Reads{Paths: []Read{
				{Path: "static/templates", Base: FromFile, Via: "include_str!", At: "src/config.rs:4", File: "src/config.rs"},
			}},
		},
		{
			name: "a computed path is unknown",
			files: []string{"src/lib.rs", `
macro_rules! load {
    ($p:expr) => { include_str!($p) };
}
const NAME: &str = "x.txt";
pub fn f() -> &'static str { include_bytes!(NAME); include_str!(concat!("tpl_", $n)) }
`},
			want: Reads{Unknown: []string{
				"src/lib.rs:3: include_str! of a computed path; nixgen cannot tell which file it reads",
				"src/lib.rs:6: include_bytes! of a computed path; nixgen cannot tell which file it reads",
				"src/lib.rs:6: include_str! of a computed path; nixgen cannot tell which file it reads",
			}},
		},
		{
			name:  "an absolute concat prefix is not made relative",
			files: []string{"src/lib.rs", `const K: &str = include_str!(concat!("/etc/keys/", "main.pem"));`},
			want: Reads{Paths: []Read{
				{Path: "/etc/keys/main.pem", Base: FromFile, Via: "include_str!", At: "src/lib.rs:1", File: "src/lib.rs"},
			}},
		},
		{
			name: "commented-out reads are not reads",
			files: []string{"src/main.rs", `
// const A: &str = include_str!("gone.txt");
/* const B: &str = include_str!("gone/too.txt");
   sqlx::migrate!("old"); */
/// include_bytes!("doc.bin")
fn main() {
    let _ = include_str!(/* a note */ "kept.txt");
}
`},
			want: Reads{Paths: []Read{
				{Path: "kept.txt", Base: FromFile, Via: "include_str!", At: "src/main.rs:7", File: "src/main.rs"},
			}},
		},
		{
			name: "std's include is file-relative, grass's reads the crate directory of the file",
			files: []string{"src/style.rs", `
std::include!("gen/table.in");
const CSS: &str = grass::include!("assets/scss/main.scss");
const FLAT: &str = grass::include!("site.scss");
`},
			want: Reads{Paths: []Read{
				{Path: "gen/table.in", Base: FromFile, Via: "include!", At: "src/style.rs:2", File: "src/style.rs"},
				{Path: "assets/scss", Base: FromCrate, Via: "include!", At: "src/style.rs:3", File: "src/style.rs"},
				{Path: "site.scss", Base: FromCrate, Via: "include!", At: "src/style.rs:4", File: "src/style.rs"},
			}},
		},
		{
			name: "grass include inside a macro's arguments",
			files: []string{"src/style.rs", `
lazy_static! { static ref CSS: String = grass::include!("assets/app.scss").into(); }
lazy_static! { static ref T: String = std::include!("t.in").into(); }
`},
			want: Reads{Paths: []Read{
				{Path: "assets", Base: FromCrate, Via: "include!", At: "src/style.rs:2", File: "src/style.rs"},
				{Path: "t.in", Base: FromFile, Via: "include!", At: "src/style.rs:3", File: "src/style.rs"},
			}},
		},
		{
			name: "migrations: sqlx and diesel, named and default",
			files: []string{"src/db.rs", `
static A: Migrator = sqlx::migrate!();
static B: Migrator = sqlx::migrate!("./db/migrations");
pub const C: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const D: EmbeddedMigrations = diesel_migrations::embed_migrations!();
embed_migrations!("$CARGO_MANIFEST_DIR/refinery");
`},
			want: Reads{Paths: []Read{
				{Path: "migrations", Base: FromCrate, Via: "migrate!", At: "src/db.rs:2", File: "src/db.rs"},
				{Path: "db/migrations", Base: FromCrate, Via: "migrate!", At: "src/db.rs:3", File: "src/db.rs"},
				{Path: "migrations/sqlite", Base: FromCrate, Via: "embed_migrations!", At: "src/db.rs:4", File: "src/db.rs"},
				{Path: "migrations", Base: FromCrate, Via: "embed_migrations!", At: "src/db.rs:5", File: "src/db.rs"},
				{Path: "refinery", Base: FromCrate, Via: "embed_migrations!", At: "src/db.rs:6", File: "src/db.rs"},
			}},
		},
		{
			name: "a migrations macro of a computed path is unknown, not its default",
			files: []string{"src/db.rs", `
macro_rules! m { ($d:expr) => { sqlx::migrate!($d) }; }
`},
			want: Reads{Unknown: []string{
				"src/db.rs:2: migrate! of a computed path; nixgen cannot tell which directory it reads",
			}},
		},
		{
			name: "include_dir and query_file",
			files: []string{"src/assets.rs", `
static DIST: Dir = include_dir!("$CARGO_MANIFEST_DIR/web/dist");
async fn f() {
    let r = sqlx::query_file_as!(User, "queries/user.sql", 3);
    let s = sqlx::query_file!("queries/count.sql");
}
`},
			want: Reads{
				Paths: []Read{
					{Path: "web/dist", Base: FromCrate, Via: "include_dir!", At: "src/assets.rs:2", File: "src/assets.rs"},
					// The first argument of query_file_as! is the row type.
					{Path: "queries/user.sql", Base: FromCrate, Via: "query_file_as!", At: "src/assets.rs:4", File: "src/assets.rs"},
					{Path: "queries/count.sql", Base: FromCrate, Via: "query_file!", At: "src/assets.rs:5", File: "src/assets.rs"},
				},
				QueryMacros: true,
			},
		},
		{
			name: "attributes: rust-embed, askama, graphql_client, sqlx::test",
			files: []string{"src/web.rs", `
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/public/"]
struct Assets;

#[derive(Template)]
#[template(path = "index.html")]
struct Index;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "graphql/schema.json",
    query_path = "graphql/queries.graphql",
    response_derives = "Debug"
)]
struct Viewer;

#[sqlx::test(migrations = "tests/migrations")]
async fn t(pool: Pool) {}
`},
			want: Reads{
				Paths: []Read{
					{Path: "public/", Base: FromCrate, Via: "#[folder]", At: "src/web.rs:3", File: "src/web.rs"},
					{Path: "graphql/schema.json", Base: FromCrate, Via: "#[graphql(schema_path)]", At: "src/web.rs:11", File: "src/web.rs"},
					{Path: "graphql/queries.graphql", Base: FromCrate, Via: "#[graphql(query_path)]", At: "src/web.rs:11", File: "src/web.rs"},
					{Path: "tests/migrations", Base: FromCrate, Via: "#[sqlx::test]", At: "src/web.rs:18", File: "src/web.rs"},
				},
				Templates: true,
			},
		},
		{
			name: "sqlx query macros count only in a file that mentions sqlx",
			files: []string{
				"src/a.rs", `fn f() { let q = query!("SELECT 1"); }`,
				"src/b.rs", `fn g() { let q = sqlx::query("SELECT 1"); }`,
			},
			want: Reads{},
		},
		{
			name:  "sqlx query_as macro",
			files: []string{"src/a.rs", "use sqlx::query_as;\nfn f() { let q = query_as!(U, \"SELECT 1\"); }"},
			want:  Reads{QueryMacros: true},
		},
		{
			name: "test string literals name fixtures, other string literals do not",
			files: []string{
				"src/lib.rs", `
pub fn load() -> String { std::fs::read_to_string("data/prod.json").unwrap() }

#[cfg(test)]
mod tests {
    #[test]
    fn reads() {
        let s = std::fs::read_to_string("tests/data/unit.json").unwrap();
        assert_eq!(s, "not a path");
        assert_eq!(s.trim(), "word");
    }
}

#[test]
fn top() { let _ = std::fs::read("fixture.bin"); }

#[tokio::test]
async fn async_top() { let _ = r#"raw/fixture.txt"#; }
`,
				"tests/parse.rs", `
const SAMPLE: &str = "tests/fixtures/sample.json";
fn helper() -> &'static str { "https://example.com/x.json" }
`},
			want: Reads{Paths: []Read{
				{Path: "tests/data/unit.json", Base: FromCrate, Via: "a test", At: "src/lib.rs:8", File: "src/lib.rs", Maybe: true},
				{Path: "fixture.bin", Base: FromCrate, Via: "a test", At: "src/lib.rs:15", File: "src/lib.rs", Maybe: true},
				{Path: "raw/fixture.txt", Base: FromCrate, Via: "a test", At: "src/lib.rs:18", File: "src/lib.rs", Maybe: true},
				{Path: "tests/fixtures/sample.json", Base: FromCrate, Via: "a test", At: "tests/parse.rs:2", File: "tests/parse.rs", Maybe: true},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findReads(t, tt.files...)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("FindReads (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiterals(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "build script paths in source order, comments left out",
			src: `
// println!("cargo:rerun-if-changed=old.proto");
/* "commented/out.c" */
fn main() {
    println!("cargo:rerun-if-changed=proto/api.proto");
    cc::Build::new().file("native/shim.c").compile("shim");
    tonic_build::compile_protos(r"proto/api.proto").unwrap();
}
`,
			want: []string{"cargo:rerun-if-changed=proto/api.proto", "native/shim.c", "shim", "proto/api.proto"},
		},
		{
			name: "byte, raw and escaped strings",
			src: `fn main() {
    let a = b"bin/a.dat";
    let b = br"bin/b.dat";
    let c = r#"say "hi""#;
    let d = r##"a "# b"##;
    let e = "tab\there";
    let f = c"cstr";
    let g = "";
    let h = r"";
}`,
			want: []string{"bin/a.dat", "bin/b.dat", `say "hi"`, `a "# b`, "tab\there", "cstr", "", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Literals(File{Path: "build.rs", Src: []byte(tt.src)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Literals (-want +got):\n%s", diff)
			}
		})
	}
}
