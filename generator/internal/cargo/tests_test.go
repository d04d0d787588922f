package cargo

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestTestModule(t *testing.T) {
	files := map[string]bool{"tests/cli/main.rs": true}
	exists := func(rel string) bool { return files[rel] }
	roots := []string{"main.rs", "tests/lib.rs"}
	for rel, want := range map[string]string{
		"src/lib.rs":               "",
		"src/main.rs":              "",
		"src/db.rs":                "db",
		"src/db/mod.rs":            "db",
		"src/db/pool.rs":           "db::pool",
		"src/bin/tool.rs":          "",
		"src/bin/tool/main.rs":     "",
		"src/bin/tool/args.rs":     "args",
		"tests/api.rs":             "",
		"tests/common/mod.rs":      "common",
		"tests/common/fixtures.rs": "common::fixtures",
		"tests/cli/main.rs":        "",
		"tests/cli/run.rs":         "run",
		"main.rs":                  "", // [[bin]] path = "main.rs"
		"cli/structs.rs":           "cli::structs",
		"tests/lib.rs":             "", // [[test]] path
	} {
		if got := testModule(rel, roots, exists); got != want {
			t.Errorf("testModule(%q) = %q, want %q", rel, got, want)
		}
	}
}

// TestSandboxTestsDetected: the tests that need what the sandbox lacks,
// in every member, named as libtest filters them.
func TestSandboxTestsDetected(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml":      {Data: []byte("[workspace]\nmembers = [\"api\", \"store\"]\n")},
		"api/Cargo.toml":  {Data: []byte("[package]\nname = \"api\"\n")},
		"api/src/main.rs": {Data: []byte("mod routes;\nfn main() {}\n")},
		"api/src/routes.rs": {Data: []byte(`
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn upstream() { reqwest::get("https://api.example.org/").await.unwrap(); }
    #[test]
    fn pure() {}
}
`)},
		"store/Cargo.toml":          {Data: []byte("[package]\nname = \"store\"\n")},
		"store/src/lib.rs":          {Data: []byte("pub fn f() {}\n")},
		"store/tests/pg.rs":         {Data: []byte("mod common;\n#[sqlx::test]\nasync fn inserts(pool: sqlx::PgPool) {}\n#[tokio::test]\nasync fn in_docker() { common::start().await; }\n")},
		"store/tests/common/mod.rs": {Data: []byte("pub async fn start() { testcontainers_modules::postgres::Postgres::default(); }\n")},
		"store/benches/b.rs":        {Data: []byte("#[test]\nfn bench_net() { reqwest::blocking::get(\"https://example.org\").unwrap(); }\n")},
	}
	root, err := readManifest(fsys, "Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	members, _, err := findMembers(fsys, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := sandboxTests(fsys, members)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name+" @ "+s.At)
	}
	want := []string{
		"in_docker @ store/tests/pg.rs:5",
		"inserts @ store/tests/pg.rs:3",
		"routes::tests::upstream @ api/src/routes.rs:5",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
