package rustsrc

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestSandboxTests(t *testing.T) {
	lib := `
pub fn add(a: i32, b: i32) -> i32 { a + b }

#[cfg(test)]
mod tests {
    use testcontainers::runners::AsyncRunner;
    use testcontainers_modules::postgres::Postgres;
    const API: &str = "https://api.example.org/v1";

    #[test]
    fn adds() { assert_eq!(super::add(1, 2), 3); }

    #[tokio::test]
    async fn in_docker() { let _db = Postgres::default().start().await; }

    #[sqlx::test]
    async fn migrates(pool: sqlx::PgPool) {}

    #[tokio::test]
    async fn fetches() { reqwest::get(API).await.unwrap(); }

    #[tokio::test]
    async fn serves_itself() { reqwest::get("http://127.0.0.1:3000/health").await.unwrap(); }

    #[test]
    #[ignore]
    fn ignored() { reqwest::blocking::get("https://example.org").unwrap(); }

    #[test]
    fn redis() { let _c = open_redis(); }

    fn open_redis() -> redis::Client { redis::Client::open("redis://localhost:6379").unwrap() }
}
`
	integration := `
#[test]
fn fixture_is_fresh() {
    let m = std::fs::metadata("tests/fixtures/page.html").unwrap();
    assert!(m.modified().unwrap().elapsed().unwrap().as_secs() < 3600);
}

#[test]
fn own_file_is_fresh() {
    let f = tempfile::NamedTempFile::new().unwrap();
    assert!(f.as_file().metadata().unwrap().modified().is_ok());
}

#[rstest]
fn resolves() { let _ = std::net::TcpStream::connect("example.com:80"); }

#[fixture]
async fn server() -> Url {
    let db = std::env::var("APP_DB_URI").unwrap_or_else(|_| "postgres://app:pass@localhost:5432/app".to_owned());
    start(db).await
}

#[rstest]
#[tokio::test]
async fn registers(#[future] server: Url) { let _ = server.await; }
`
	// What runs in the sandbox all the same.
	clean := `
use hyper::header::HOST;
use quick_xml::de::from_str;

pub fn authority_to_host(a: &str) -> &str { a }

pub fn fetch_upstream() -> String {
    reqwest::blocking::get("https://upstream.example.org").unwrap().text().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_authority() { assert_eq!(authority_to_host("garage.tld:65200"), "garage.tld"); }

    #[test]
    fn reads_cors_rules() {
        let xml = r#"<AllowedOrigin>https://www.example.com</AllowedOrigin>"#;
        let _: Rules = from_str(xml).unwrap();
    }

    #[test]
    fn sets_the_host_header() {
        let _req = http::Request::builder().uri("http://127.0.0.1:3900/").header(HOST, "site.web.example.org");
    }

    #[test]
    fn parses_a_database_url() { assert!(Config::parse("postgres://app@db.internal/app").is_ok()); }

    #[test]
    fn calls_the_program() { let _ = fetch_upstream; }
}
`
	got, err := SandboxTests([]TestFile{
		{File: File{Path: "src/db.rs", Src: []byte(lib)}, Module: "db"},
		{File: File{Path: "tests/api.rs", Src: []byte(integration)}, Test: true},
		{File: File{Path: "src/web.rs", Src: []byte(clean)}, Module: "web"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.SkippedTest{
		{Name: "db::tests::fetches", Reason: needNetwork, At: "src/db.rs:20"},
		{Name: "db::tests::in_docker", Reason: needDocker, At: "src/db.rs:14"},
		{Name: "db::tests::migrates", Reason: needSqlxTest, At: "src/db.rs:17"},
		{Name: "db::tests::redis", Reason: needDatabase, At: "src/db.rs:30"},
		{Name: "fixture_is_fresh", Reason: needMtime, At: "tests/api.rs:3"},
		{Name: "registers", Reason: needDatabase, At: "tests/api.rs:25"},
		{Name: "resolves", Reason: needNetwork, At: "tests/api.rs:15"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSandboxTestsThroughHelpers: a test whose own file shows nothing
// reaches a database through helpers in files read after it is known
// what they define.
func TestSandboxTestsThroughHelpers(t *testing.T) {
	files := []TestFile{
		{File: File{Path: "src/lib.rs", Src: []byte("mod ledger;\n#[cfg(test)]\nmod testutil;\n")}, Crate: "app"},
		{File: File{Path: "src/testutil.rs", Src: []byte("pub fn pool() -> Pool { Pool::connect(\"postgres://app@localhost/app\") }\n")}, Crate: "app", Module: "testutil"},
		{File: File{Path: "src/fixtures.rs", Src: []byte("#[cfg(test)]\npub fn seeded() -> Pool { crate::testutil::pool() }\n")}, Crate: "app", Module: "fixtures"},
		{File: File{Path: "src/ledger.rs", Src: []byte("#[cfg(test)]\nmod tests {\n    #[test]\n    fn balances() { let _p = crate::fixtures::seeded(); }\n    #[test]\n    fn adds() {}\n}\n")}, Crate: "app", Module: "ledger"},
		{File: File{Path: "src/other.rs", Src: []byte("#[test]\nfn pool() {}\n")}, Crate: "other"},
	}
	got, err := SandboxTests(files)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.SkippedTest{{Name: "ledger::tests::balances", Reason: needDatabase, At: "src/ledger.rs:4"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
