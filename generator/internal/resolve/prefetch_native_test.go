package resolve

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// testGit runs git for the tests, isolated like the prefetcher, with a
// fixed identity and dates so commits are reproducible.
type testGit struct {
	t   *testing.T
	env []string
}

func newTestGit(t *testing.T) *testGit {
	t.Helper()
	nixtest.Require(t, "git")
	home := t.TempDir()
	env := gitEnv(os.Environ(), home)
	env = append(env,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.org", "GIT_AUTHOR_DATE=2024-05-01T12:00:00+02:00",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.org", "GIT_COMMITTER_DATE=2024-05-01T12:00:00+02:00",
	)
	return &testGit{t: t, env: env}
}

func (g *testGit) run(dir string, args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = g.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// writeFiles writes files (a "->" prefix makes a symlink, a "+x " prefix
// an executable) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasPrefix(data, "->"):
			err = os.Symlink(strings.TrimPrefix(data, "->"), p)
		case strings.HasPrefix(data, "+x "):
			err = os.WriteFile(p, []byte(strings.TrimPrefix(data, "+x ")), 0o755)
		default:
			err = os.WriteFile(p, []byte(data), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// repo makes a repository at dir with files committed on main and
// returns the commit.
func (g *testGit) repo(dir string, files map[string]string) string {
	g.t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		g.t.Fatal(err)
	}
	g.run(dir, "init", "--quiet", "--initial-branch=main")
	writeFiles(g.t, dir, files)
	g.run(dir, "add", "-A")
	g.run(dir, "commit", "--quiet", "-m", "first")
	return g.run(dir, "rev-parse", "HEAD")
}

// richFiles has every kind of entry and every attribute that changes
// what the fetchers hash.
var richFiles = map[string]string{
	"README.md":                  "hello\n",
	"bin/run.sh":                 "+x #!/bin/sh\necho run\n",
	"link":                       "->README.md",
	"dir/nested/deep/file.txt":   "deep\n",
	"dir/nested/empty-link":      "->../../missing",
	"crlf/a.txt":                 "one\ntwo\n",
	"crlf/b.bin":                 "raw\n",
	"ident.c":                    "/* $Id$ */\n",
	"version.txt":                "commit $Format:%H$\n",
	"ignored/secret.txt":         "not in the archive\n",
	"dir/nested/.gitattributes":  "skip.txt export-ignore\n",
	"dir/nested/skip.txt":        "skipped by the archive\n",
	"dir/nested/keep.txt":        "kept\n",
	".gitattributes":             "crlf/*.txt text eol=crlf\nident.c ident\nversion.txt export-subst\nignored export-ignore\n",
	"dir/with space/and'quote!":  "odd name\n",
	"dir/unicode-\u00e9t\u00e9":  "unicode\n",
	"dir/nested/deep/exec-tool":  "+x tool\n",
	"dir/nested/deep/.hidden":    "hidden\n",
	"dir/nested/deep/zz-last":    "last\n",
	"dir/nested/deep/AA-upper":   "upper\n",
	"dir/nested/deep/aa-lower":   "lower\n",
	"dir/nested/deep/sub/x.json": "{}\n",
}

// plainFiles has eol and ident attributes but no export attribute, so
// both fetchers see the same tree.
var plainFiles = map[string]string{
	"README.md":      "plain\n",
	"bin/tool":       "+x #!/bin/sh\n",
	"link":           "->bin/tool",
	"a/b/c.txt":      "c\n",
	"crlf.txt":       "x\ny\n",
	"id.txt":         "$Id$\n",
	".gitattributes": "crlf.txt text eol=crlf\nid.txt ident\n",
}

// fixture is a remote with a submodule, as the tests fetch it.
type fixture struct {
	git              *testGit
	url, subURL      string
	commit           string
	plainURL, plainC string
	// plainSubURL is plainFiles plus a submodule.
	plainSubURL, plainSubC string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	g := newTestGit(t)
	root := t.TempDir()
	f := &fixture{git: g}

	sub := filepath.Join(root, "sub")
	g.repo(sub, map[string]string{"lib.txt": "from the submodule\n", "tools/x": "+x x\n"})
	f.subURL = "file://" + sub

	main := filepath.Join(root, "main")
	g.repo(main, richFiles)
	g.run(main, "-c", "protocol.file.allow=always", "submodule", "--quiet", "add", f.subURL, "vendor/sub")
	g.run(main, "commit", "--quiet", "-m", "submodule")
	g.run(main, "tag", "-a", "-m", "release", "v1.2.0")
	g.run(main, "tag", "lightweight")
	f.commit = g.run(main, "rev-parse", "HEAD")
	writeFiles(t, main, map[string]string{"later.txt": "later\n"})
	g.run(main, "add", "-A")
	g.run(main, "commit", "--quiet", "-m", "later")
	g.run(main, "branch", "feature", f.commit)
	f.url = "file://" + main

	plain := filepath.Join(root, "plain")
	f.plainC = g.repo(plain, plainFiles)
	f.plainURL = "file://" + plain

	withSub := filepath.Join(root, "plain-sub")
	g.repo(withSub, plainFiles)
	g.run(withSub, "-c", "protocol.file.allow=always", "submodule", "--quiet", "add", f.subURL, "deps/sub")
	g.run(withSub, "commit", "--quiet", "-m", "submodule")
	f.plainSubC = g.run(withSub, "rev-parse", "HEAD")
	f.plainSubURL = "file://" + withSub
	return f
}

// nixHashPath runs the real `nix hash path`.
func nixHashPath(t *testing.T, dir string) string {
	t.Helper()
	nixtest.Require(t, "nix")
	out, err := exec.Command("nix", "--extra-experimental-features", "nix-command", "hash", "path", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("nix hash path %s: %v\n%s", dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// checkoutTree does by hand what nix-prefetch-git does: clone, check out
// the commit, update submodules if asked, delete every .git.
func (f *fixture) checkoutTree(t *testing.T, url, commit string, submodules bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "checkout")
	f.git.run("", "clone", "--quiet", url, dir)
	f.git.run(dir, "checkout", "--quiet", commit)
	if submodules {
		f.git.run(dir, "-c", "protocol.file.allow=always", "submodule", "--quiet", "update", "--init", "--recursive")
	}
	if err := removeDotGit(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// archiveTree extracts `git archive` of the commit, GitHub's tarball.
func (f *fixture) archiveTree(t *testing.T, url, commit string) string {
	t.Helper()
	clone := filepath.Join(t.TempDir(), "clone")
	f.git.run("", "clone", "--quiet", "--bare", url, clone)
	dir := filepath.Join(t.TempDir(), "archive")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tarFile := filepath.Join(t.TempDir(), "a.tar")
	f.git.run(clone, "archive", "--format=tar", "-o", tarFile, commit)
	if out, err := exec.Command("tar", "-xf", tarFile, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	return dir
}

func TestNativeMatchesNix(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Every request runs twice: borrowing the local repository's objects,
	// and fetching them with --depth 1 as from a remote.
	prefetch := func(req Request) Pin {
		t.Helper()
		pin, err := (&NativePrefetcher{}).Prefetch(ctx, req)
		if err != nil {
			t.Fatalf("Prefetch(%+v): %v", req, err)
		}
		fetched, err := (&NativePrefetcher{AlwaysFetch: true}).Prefetch(ctx, req)
		if err != nil {
			t.Fatalf("Prefetch(%+v) with a fetch: %v", req, err)
		}
		if fetched.Hash != pin.Hash || fetched.Rev != pin.Rev {
			t.Errorf("Prefetch(%+v): borrowed %s at %s, fetched %s at %s", req, pin.Hash, pin.Rev, fetched.Hash, fetched.Rev)
		}
		if pin.Rev != f.commit && req.URL == f.url {
			t.Errorf("Prefetch(%+v).Rev = %s, want %s", req, pin.Rev, f.commit)
		}
		return pin
	}

	github := prefetch(Request{Fetcher: GitHub, URL: f.url, Rev: f.commit})
	t.Logf("archive %s", github.Hash)
	if want := nixHashPath(t, f.archiveTree(t, f.url, f.commit)); github.Hash != want {
		t.Errorf("GitHub hash = %s, want %s (nix hash path of git archive)", github.Hash, want)
	}
	if len(github.Warnings) != 2 {
		t.Errorf("GitHub warnings = %q, want export-subst and submodules", github.Warnings)
	}
	gitSub := prefetch(Request{Fetcher: Git, URL: f.url, Rev: f.commit, Submodules: true})
	if want := nixHashPath(t, f.checkoutTree(t, f.url, f.commit, true)); gitSub.Hash != want {
		t.Errorf("fetchgit hash with submodules = %s, want %s (nix hash path of the checkout)", gitSub.Hash, want)
	}
	gitNoSub := prefetch(Request{Fetcher: Git, URL: f.url, Rev: "v1.2.0"})
	if want := nixHashPath(t, f.checkoutTree(t, f.url, f.commit, false)); gitNoSub.Hash != want {
		t.Errorf("fetchgit hash without submodules = %s, want %s", gitNoSub.Hash, want)
	}
	if github.Hash == gitNoSub.Hash || gitSub.Hash == gitNoSub.Hash {
		t.Errorf("hashes should all differ: archive %s, checkout %s, with submodules %s", github.Hash, gitNoSub.Hash, gitSub.Hash)
	}
	if gitNoSub.Tag != "v1.2.0" || gitNoSub.Version != "1.2.0" || gitNoSub.Ref != "refs/tags/v1.2.0" {
		t.Errorf("tag pin = %+v, want tag v1.2.0, version 1.2.0", gitNoSub)
	}
	if !strings.HasPrefix(gitNoSub.Date, "2024-05-01T12:00:00") {
		t.Errorf("Date = %q", gitNoSub.Date)
	}

	// Without export attributes the two fetchers hash the same tree, and
	// fetchgit takes the archive route: check it against a real checkout.
	plainGitHub := prefetch(Request{Fetcher: GitHub, URL: f.plainURL})
	plainGit := prefetch(Request{Fetcher: Git, URL: f.plainURL, Submodules: true})
	want := nixHashPath(t, f.checkoutTree(t, f.plainURL, f.plainC, false))
	if plainGitHub.Hash != want || plainGit.Hash != want {
		t.Errorf("plain repository: GitHub %s, fetchgit %s, want both %s (nix hash path of the checkout)", plainGitHub.Hash, plainGit.Hash, want)
	}
	// A submodule not asked for is an empty directory, in the archive as
	// in a checkout.
	noSub := prefetch(Request{Fetcher: Git, URL: f.plainSubURL})
	if want := nixHashPath(t, f.checkoutTree(t, f.plainSubURL, f.plainSubC, false)); noSub.Hash != want {
		t.Errorf("fetchgit without submodules = %s, want %s", noSub.Hash, want)
	}
	withSub := prefetch(Request{Fetcher: Git, URL: f.plainSubURL, Submodules: true})
	if want := nixHashPath(t, f.checkoutTree(t, f.plainSubURL, f.plainSubC, true)); withSub.Hash != want {
		t.Errorf("fetchgit with submodules = %s, want %s", withSub.Hash, want)
	}
	if plainGit.Rev != f.plainC || plainGit.Ref != "HEAD" {
		t.Errorf("default rev: got %s from %q, want %s from HEAD", plainGit.Rev, plainGit.Ref, f.plainC)
	}
}

func TestNativeResolve(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := &NativePrefetcher{AlwaysFetch: true}
	head := f.git.run(strings.TrimPrefix(f.url, "file://"), "rev-parse", "HEAD")
	for _, tt := range []struct{ rev, commit, ref, version string }{
		{"", head, "HEAD", ""},
		{"HEAD", head, "HEAD", ""},
		{"main", head, "refs/heads/main", ""},
		{"feature", f.commit, "refs/heads/feature", ""},
		{"refs/heads/feature", f.commit, "refs/heads/feature", ""},
		{"v1.2.0", f.commit, "refs/tags/v1.2.0", "1.2.0"}, // annotated: peeled
		{"lightweight", f.commit, "refs/tags/lightweight", ""},
		{f.commit, f.commit, "", ""},
	} {
		pin, err := p.Prefetch(ctx, Request{Fetcher: GitHub, URL: f.url, Rev: tt.rev})
		if err != nil {
			t.Errorf("rev %q: %v", tt.rev, err)
			continue
		}
		if pin.Rev != tt.commit || pin.Ref != tt.ref || pin.Version != tt.version {
			t.Errorf("rev %q: got commit %s ref %q version %q, want %s %q %q", tt.rev, pin.Rev, pin.Ref, pin.Version, tt.commit, tt.ref, tt.version)
		}
	}

	for _, tt := range []struct{ rev, want string }{
		{"v9.9.9", `no branch or tag "v9.9.9" in ` + f.url},
		{"refs/tags/nope", `no ref "refs/tags/nope" in ` + f.url},
		{"abc123", "give all 40 hex digits"},
		{strings.Repeat("0", 40), "commit " + strings.Repeat("0", 40) + " not found in " + f.url},
	} {
		_, err := p.Prefetch(ctx, Request{Fetcher: GitHub, URL: f.url, Rev: tt.rev})
		var tool *diag.ToolError
		if !errors.As(err, &tool) {
			t.Errorf("rev %q: error %v, want a *diag.ToolError", tt.rev, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(tool.Command, "git ") {
			t.Errorf("rev %q: error %q, want it to name the git command and say %q", tt.rev, err, tt.want)
		}
	}

	_, err := p.Prefetch(ctx, Request{Fetcher: Git, URL: "file:///nonexistent/repo", Rev: "main"})
	var tool *diag.ToolError
	if !errors.As(err, &tool) || !strings.Contains(tool.Command, "ls-remote file:///nonexistent/repo") || tool.Stderr == "" {
		t.Errorf("broken remote: error %#v, want the ls-remote command and its stderr", err)
	}
	if diag.ExitCode(err) != diag.ExitTool {
		t.Errorf("broken remote: exit code %d, want %d", diag.ExitCode(err), diag.ExitTool)
	}
}

// The user's git configuration must not change a hash: core.autocrlf
// would rewrite line endings on checkout.
func TestNativeIgnoresUserConfig(t *testing.T) {
	f := newFixture(t)
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[core]\n\tautocrlf = true\n[archive]\n\tumask = 077\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clean, err := (&NativePrefetcher{}).Prefetch(context.Background(), Request{Fetcher: Git, URL: f.plainURL})
	if err != nil {
		t.Fatal(err)
	}
	environ := append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"))
	dirty, err := (&NativePrefetcher{Environ: environ}).Prefetch(context.Background(), Request{Fetcher: Git, URL: f.plainURL})
	if err != nil {
		t.Fatal(err)
	}
	if clean.Hash != dirty.Hash {
		t.Errorf("a user's core.autocrlf changed the hash: %s vs %s", clean.Hash, dirty.Hash)
	}
}
