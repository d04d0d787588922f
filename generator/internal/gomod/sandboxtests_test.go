package gomod

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestSandboxTests(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":          "module example.com/app\n\ngo 1.22\n",
		"main.go":         "package main\n\nfunc main() {}\n",
		"store/store.go":  "package store\n",
		"e2e/scenario.go": "package e2e\n\nimport \"github.com/ory/dockertest/v3\"\n\nfunc NewScenario() { dockertest.NewPool(\"\") }\n\nfunc TestLooksLikeATest(t int) {}\n",
		"e2e/e2e_test.go": "package e2e\n\nimport \"testing\"\n\nfunc TestPing(t *testing.T) { NewScenario() }\n",
		"store/store_test.go": `package store

import (
	"database/sql"
	"os"
	"testing"
)

func openDB(t *testing.T) *sql.DB {
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestQuery(t *testing.T) { openDB(t) }

func TestGuarded(t *testing.T) {
	if os.Getenv("DATABASE_URL") == "" {
		t.Skip("no database")
	}
	openDB(t)
}

func TestSQLite(t *testing.T) { sql.Open("sqlite3", ":memory:") }

func TestPure(t *testing.T) {}
`,
		"fetch/fetch_test.go": `package fetch_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"
)

func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the network")
	}
	http.Get("https://api.github.com/repos/x/y/releases")
}

func TestLocal(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	http.Get(srv.URL)
	http.Get("http://127.0.0.1:9/x")
	http.Get("https://example.com/x")
}

func TestBuiltRequest(t *testing.T) {
	req, _ := http.NewRequest("GET", "https://nixos.org/", nil)
	http.DefaultClient.Do(req)
}

func TestHandlerRequest(t *testing.T) {
	req, _ := http.NewRequest("GET", "https://nixos.org/", nil)
	_ = req // handed to a handler, never sent
}

func TestResolve(t *testing.T) { net.LookupHost("cache.nixos.org") }

func TestDial(t *testing.T) { net.Dial("tcp", "smtp.gmail.com:587") }

func TestCompose(t *testing.T) {
	t.Run("up", func(t *testing.T) { exec.CommandContext(t.Context(), "docker", "compose", "up").Run() })
}

func TestDockerSkips(t *testing.T) {
	skipWithoutDocker(t)
	exec.Command("docker", "ps").Run()
}

func skipWithoutDocker(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker")
	}
}
`,
		"integration/main_test.go": `package integration

import (
	"os"
	"testing"

	"github.com/testcontainers/testcontainers-go"
)

func TestMain(m *testing.M) {
	testcontainers.GenericContainer(nil, testcontainers.GenericContainerRequest{})
	os.Exit(m.Run())
}

func TestA(t *testing.T) {}

func Testlower(t *testing.T) {}
`,
		"examples/demo/main.go":      "package main\n\nfunc main() {}\n",
		"examples/demo/demo_test.go": "package main\n\nimport \"net/http\"\n\nimport \"testing\"\n\nfunc TestDemo(t *testing.T) { http.Get(\"https://nixos.org\") }\n",
	})
	p, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.SkippedTest{
		{Name: "TestA", Reason: "Docker (github.com/testcontainers/testcontainers-go) at integration/main_test.go:11", At: "integration/main_test.go:15"},
		{Name: "TestBuiltRequest", Reason: "the network (a request to https://nixos.org/ at fetch/fetch_test.go:27)", At: "fetch/fetch_test.go:26"},
		{Name: "TestCompose", Reason: "Docker (runs docker) at fetch/fetch_test.go:41", At: "fetch/fetch_test.go:40"},
		{Name: "TestDial", Reason: "the network (net.Dial smtp.gmail.com:587) at fetch/fetch_test.go:38", At: "fetch/fetch_test.go:38"},
		{Name: "TestPing", Reason: "Docker (github.com/ory/dockertest/v3) at e2e/scenario.go:5", At: "e2e/e2e_test.go:5"},
		{Name: "TestQuery", Reason: "a database (sql.Open \"pgx\") at store/store_test.go:10", At: "store/store_test.go:17"},
		{Name: "TestRelease", Reason: "the network (http.Get https://api.github.com/repos/x/y/releases) at fetch/fetch_test.go:15", At: "fetch/fetch_test.go:11"},
		{Name: "TestResolve", Reason: "DNS (net.LookupHost cache.nixos.org) at fetch/fetch_test.go:36", At: "fetch/fetch_test.go:36"},
	}
	if diff := cmp.Diff(want, p.SkipTests); diff != "" {
		t.Errorf("SkipTests (-want +got):\n%s", diff)
	}
}
