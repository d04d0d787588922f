package cargo

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// sqlxCrate is a crate whose query macros have no .sqlx/ to read.
func sqlxCrate() fstest.MapFS {
	return fstest.MapFS{
		"Cargo.toml":  file("[package]\nname = \"x\"\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"sqlite\"] }\n"),
		"Cargo.lock":  file(lockV4),
		"src/main.rs": file(`fn main() { let _ = sqlx::query!("SELECT id FROM notes"); }`),
	}
}

// A committed .env naming a committed SQLite file: the macros check the
// queries against it offline, so the source keeps both, nothing warns and
// SQLX_OFFLINE stays unset.
func TestSqlxDotenvSQLite(t *testing.T) {
	for _, tc := range []struct{ env, db string }{
		{"DATABASE_URL=sqlite://./db_v2.sqlite3\n", "db_v2.sqlite3"},
		{"DATABASE_URL=sqlite:data/app.db\n", "data/app.db"},
		{"# local\nRUST_LOG=debug\nexport DATABASE_URL=\"sqlite://app.db?mode=rwc\"\n", "app.db"},
		{"DATABASE_URL='sqlite://my%20notes.db'\n", "my notes.db"},
	} {
		fsys := sqlxCrate()
		fsys[".env"] = file(tc.env)
		fsys[tc.db] = file("SQLite format 3\x00")
		p, err := Detect(fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{".env", tc.db}, p.Sources); diff != "" {
			t.Errorf("%q: sources (-want +got):\n%s", tc.env, diff)
		}
		if len(p.Warnings) != 0 || p.Rust.SqlxOffline || len(p.Env) != 0 {
			t.Errorf("%q: warnings=%q offline=%v env=%v", tc.env, p.Warnings, p.Rust.SqlxOffline, p.Env)
		}
	}
}

// When the build cannot check the queries with what the .env names, the
// warning says what it names (the kind of database, never the URL or its
// password) and the source keeps no .env.
func TestSqlxDotenvWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      []string
	}{
		{"file missing", "DATABASE_URL=sqlite://./db_v2.sqlite3\n",
			[]string{".env sets DATABASE_URL to the SQLite file db_v2.sqlite3, which is not a file of the repository: commit the database, or run `cargo sqlx prepare --workspace`"}},
		{"directory", "DATABASE_URL=sqlite:src\n", []string{"the SQLite file src, which is not a file"}},
		{"postgres", "DATABASE_URL=postgres://admin:hunter2@db.example.com:5432/app\n",
			[]string{"sqlx query macros check SQL against a database at compile time, and .env sets DATABASE_URL to a postgres server, which the Nix build cannot reach: run `cargo sqlx prepare --workspace` and commit .sqlx/"}},
		{"mysql", "DATABASE_URL=mysql://root:hunter2@localhost/app\n", []string{"a mysql server"}},
		{"not a URL", "DATABASE_URL=hunter2\n", []string{".env sets DATABASE_URL to something that is not a database URL: run"}},
		{"absolute", "DATABASE_URL=sqlite:///var/lib/hunter2.db\n", []string{"a SQLite file at an absolute path"}},
		{"outside", "DATABASE_URL=sqlite://../hunter2.db\n", []string{"a SQLite file outside the repository"}},
		{"unset", "RUST_LOG=info\nSECRET=hunter2\n", []string{".env does not set DATABASE_URL: run `cargo sqlx prepare"}},
		{"unreadable", "DATABASE_URL=\"sqlite://hunter2.db\nSECRET='hunter2\n", []string{"nixgen cannot read .env as a dotenv file"}},
	} {
		fsys := sqlxCrate()
		fsys[".env"] = file(tc.env)
		p, err := Detect(fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Warnings) != len(tc.want) {
			t.Errorf("%s: warnings = %q, want %d", tc.name, p.Warnings, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(p.Warnings[i], w) {
				t.Errorf("%s: warning %q lacks %q", tc.name, p.Warnings[i], w)
			}
			if strings.Contains(p.Warnings[i], "hunter2") {
				t.Errorf("%s: warning %q shows what the .env holds", tc.name, p.Warnings[i])
			}
		}
		if len(p.Sources) != 0 || p.Rust.SqlxOffline {
			t.Errorf("%s: sources=%q offline=%v", tc.name, p.Sources, p.Rust.SqlxOffline)
		}
	}
}

// The flake's source holds what git keeps: a .env or a database file that
// .gitignore leaves out is not there for the build to read.
func TestSqlxDotenvIgnored(t *testing.T) {
	for _, tc := range []struct{ gitignore, want string }{
		{"/target\n.env\n", ".env, which would name it, is left out of git by .gitignore:2, so the flake's source lacks it: run `cargo sqlx prepare"},
		{"*.sqlite3\n", ".env sets DATABASE_URL to the SQLite file shelf.sqlite3, which .gitignore:1 leaves out of git, so the flake's source lacks it: commit the database, or run"},
	} {
		fsys := sqlxCrate()
		fsys[".env"] = file("DATABASE_URL=sqlite://shelf.sqlite3\n")
		fsys["shelf.sqlite3"] = file("")
		fsys[".gitignore"] = file(tc.gitignore)
		p, err := Detect(fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Sources) != 0 || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], tc.want) {
			t.Errorf("%q: sources=%q warnings=%q", tc.gitignore, p.Sources, p.Warnings)
		}
	}
}

// An in-memory database needs nothing from the repository but the .env
// that names it.
func TestSqlxDotenvMemory(t *testing.T) {
	for _, env := range []string{"DATABASE_URL=sqlite::memory:\n", "DATABASE_URL=sqlite://?mode=memory\n"} {
		fsys := sqlxCrate()
		fsys[".env"] = file(env)
		p, err := Detect(fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(p.Sources, []string{".env"}) || len(p.Warnings) != 0 {
			t.Errorf("%q: sources=%q warnings=%q", env, p.Sources, p.Warnings)
		}
	}
}

// With .sqlx/ the build sets SQLX_OFFLINE, so the macros never read the
// .env: the source leaves it out.
func TestSqlxDotenvOffline(t *testing.T) {
	fsys := sqlxCrate()
	fsys[".env"] = file("DATABASE_URL=sqlite://app.db\n")
	fsys["app.db"] = file("")
	fsys[".sqlx/query-1.json"] = file("{}")
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(p.Sources, []string{".sqlx"}) || len(p.Warnings) != 0 || !p.Rust.SqlxOffline {
		t.Errorf("sources=%q warnings=%q offline=%v", p.Sources, p.Warnings, p.Rust.SqlxOffline)
	}
}

// In a workspace the macros of a member read the member's own .env, else
// the workspace root's; either way sqlx opens a relative SQLite file from
// the workspace root, where Cargo runs the compiler. A .env no member
// with query macros reads stays out of the source.
func TestSqlxDotenvWorkspace(t *testing.T) {
	base := func() fstest.MapFS {
		return fstest.MapFS{
			"Cargo.toml":          file("[workspace]\nmembers = [\"api\", \"jobs\", \"web\"]\n"),
			"Cargo.lock":          file(lockV4),
			"api/Cargo.toml":      file("[package]\nname = \"api\"\n"),
			"api/src/main.rs":     file(`fn main() { let _ = sqlx::query_as!(Note, "SELECT id FROM notes"); }`),
			"jobs/Cargo.toml":     file("[package]\nname = \"jobs\"\n"),
			"jobs/src/main.rs":    file(`fn main() { let _ = sqlx::query_scalar!("SELECT count(*) FROM jobs"); }`),
			"web/Cargo.toml":      file("[package]\nname = \"web\"\n"),
			"web/src/main.rs":     file("fn main() {}"),
			"web/.env":            file("DATABASE_URL=postgres://u:hunter2@localhost/web\n"),
			"notes.sqlite3":       file(""),
			"data/jobs.sqlite3":   file(""),
			"api/local.sqlite3":   file(""),
			"jobs/.env.example":   file("DATABASE_URL=sqlite://example.db\n"),
			"api/src/bin/tool.rs": file("fn main() {}"),
		}
	}
	for _, tc := range []struct {
		name     string
		env      map[string]string
		sources  []string
		warnings []string
	}{
		{
			name:    "each member's own",
			env:     map[string]string{"api/.env": "DATABASE_URL=sqlite://./notes.sqlite3\n", "jobs/.env": "DATABASE_URL=sqlite:data/jobs.sqlite3\n", ".env": "DATABASE_URL=postgres://u:hunter2@localhost/app\n"},
			sources: []string{"api/.env", "data/jobs.sqlite3", "jobs/.env", "notes.sqlite3"},
		},
		{
			name:    "the root's for both",
			env:     map[string]string{".env": "DATABASE_URL=sqlite://notes.sqlite3\n"},
			sources: []string{".env", "notes.sqlite3"},
		},
		{
			name:     "one member's own, the root's for the other",
			env:      map[string]string{"jobs/.env": "DATABASE_URL=sqlite://data/jobs.sqlite3\n", ".env": "DATABASE_URL=postgresql://u:hunter2@localhost/app\n"},
			sources:  []string{"data/jobs.sqlite3", "jobs/.env"},
			warnings: []string{".env sets DATABASE_URL to a postgresql server"},
		},
		{
			name:     "a file beside the member's .env, not at the root",
			env:      map[string]string{"api/.env": "DATABASE_URL=sqlite://local.sqlite3\n", "jobs/.env": "DATABASE_URL=sqlite://data/jobs.sqlite3\n"},
			sources:  []string{"data/jobs.sqlite3", "jobs/.env"},
			warnings: []string{"api/.env sets DATABASE_URL to the SQLite file local.sqlite3 (sqlx opens it from the workspace root, not beside the .env), which is not a file of the repository"},
		},
		{
			name:    "a member's own left out of git, the root's read instead",
			env:     map[string]string{"api/.env": "DATABASE_URL=postgres://u:hunter2@localhost/api\n", "api/.gitignore": ".env\n", ".env": "DATABASE_URL=sqlite://notes.sqlite3\n"},
			sources: []string{".env", "notes.sqlite3"},
		},
		{
			name:     "no .env for one",
			env:      map[string]string{"api/.env": "DATABASE_URL=sqlite://notes.sqlite3\n"},
			sources:  []string{"api/.env", "notes.sqlite3"},
			warnings: []string{sqlxUnreachable},
		},
	} {
		fsys := base()
		for p, text := range tc.env {
			fsys[p] = file(text)
		}
		p, err := Detect(fsys, Options{Default: "api"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.sources, p.Sources); diff != "" {
			t.Errorf("%s: sources (-want +got):\n%s", tc.name, diff)
		}
		if len(p.Warnings) != len(tc.warnings) {
			t.Errorf("%s: warnings = %q", tc.name, p.Warnings)
			continue
		}
		for i, w := range tc.warnings {
			if !strings.Contains(p.Warnings[i], w) || strings.Contains(p.Warnings[i], "hunter2") {
				t.Errorf("%s: warning %q, want one with %q", tc.name, p.Warnings[i], w)
			}
		}
	}
}
