package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// srcGit runs git for the --src tests: isolated, with fixed dates.
func srcGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_AUTHOR_DATE=2024-05-01T12:00:00Z",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_COMMITTER_DATE=2024-05-01T12:00:00Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// srcRepo writes files into dir, commits them and tags the commit.
func srcRepo(t *testing.T, dir string, files map[string]string, tag string) string {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srcGit(t, dir, "init", "-q", "-b", "main")
	srcGit(t, dir, "add", "-A")
	srcGit(t, dir, "commit", "-q", "-m", "first")
	if tag != "" {
		srcGit(t, dir, "tag", tag)
	}
	return srcGit(t, dir, "rev-parse", "HEAD")
}

// flakeCopy copies a project without its .git, as the flake a user commits.
func flakeCopy(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	if err := os.CopyFS(out, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(out, ".git")); err != nil {
		t.Fatal(err)
	}
	return out
}

// Flakes with a pinned source evaluate against the stand-ins: the fetcher
// gets exactly the arguments it takes, buildRustPackage the outputHashes
// its Cargo.lock needs, buildGoModule the tag's version.
func TestSrcFlakesEvaluate(t *testing.T) {
	nixtest.Require(t, "git")
	nixtest.Require(t, "nix")
	gh := t.TempDir()

	dep := filepath.Join(gh, "example", "dep")
	depCommit := srcRepo(t, dep, map[string]string{
		"Cargo.toml": "[package]\nname = \"dep\"\nversion = \"0.1.0\"\n",
		"src/lib.rs": "pub fn greet() {}\n",
	}, "")
	app := filepath.Join(t.TempDir(), "greeter")
	srcRepo(t, app, map[string]string{
		"Cargo.toml":        "[package]\nname = \"greeter\"\nversion = \"0.1.0\"\ndescription = \"greets\"\nlicense = \"MIT\"\n\n[dependencies]\ndep = { git = \"https://github.com/example/dep\" }\n",
		"Cargo.lock":        "version = 4\n\n[[package]]\nname = \"dep\"\nversion = \"0.1.0\"\nsource = \"git+https://github.com/example/dep#" + depCommit + "\"\n\n[[package]]\nname = \"greeter\"\nversion = \"0.1.0\"\ndependencies = [\"dep\"]\n",
		"src/main.rs":       "fn main() { dep::greet() }\n",
		"migrations/1.sql":  "create table t (id integer);\n",
		"tests/data/x.json": "{}\n",
	}, "v0.1.0")
	srcGit(t, "", "clone", "-q", "--bare", app, filepath.Join(gh, "example", "greeter"))

	hello := filepath.Join(t.TempDir(), "hello")
	srcRepo(t, hello, map[string]string{
		"go.mod":  "module example.com/hello\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() {}\n",
	}, "v1.2.3")
	srcGit(t, "", "clone", "-q", "--bare", hello, filepath.Join(gh, "example", "hello"))

	for _, tt := range []struct {
		name, dir string
		args      []string
		attr      string // evaluated, with its wanted JSON
		want      string
	}{
		{"rust", app, []string{"--src", "github:example/greeter"}, "packages.x86_64-linux.default.version", `"0.1.0"`},
		{"go", hello, []string{"--src", "github:example/hello", "--rev", "v1.2.3"}, "packages.x86_64-linux.default.version", `"1.2.3"`},
		{"go at a commit", hello, []string{"--src", "github:example/hello", "--rev", "main"}, "packages.x86_64-linux.default.version", `"0-unstable-2024-05-01"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"nixgen", "init", "--force", "--prefetcher", "native", "--github-url", "file://" + gh}, tt.args...)
			if code := run(append(args, tt.dir), &stdout, &stderr, func(string) string { return "" }); code != 0 {
				t.Fatalf("init exited %d:\n%s", code, stderr.String())
			}
			flake := flakeCopy(t, tt.dir)
			data, err := os.ReadFile(filepath.Join(flake, "flake.nix"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, []byte("src = pkgs.fetchFromGitHub {")) || bytes.Contains(data, []byte("lib.fakeHash")) {
				t.Errorf("flake.nix has no pinned source, or a fake hash:\n%s", data)
			}
			nixtest.FlakeCheck(t, flake)
			if got := strings.TrimSpace(nixtest.EvalFlake(t, flake, tt.attr)); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.attr, got, tt.want)
			}
		})
	}
}
