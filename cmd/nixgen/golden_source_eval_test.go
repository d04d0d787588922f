package main

import (
	"bufio"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// buildReads reads a golden case's build-reads file: every file of the
// input the real build (packages and checks) reads, one slash-separated
// path per line, relative to the input; blank lines and lines starting
// with # are skipped. Each must exist in the input.
func buildReads(t *testing.T, c goldenCase) []string {
	t.Helper()
	name := filepath.Join(c.dir, "build-reads")
	f, err := os.Open(name)
	if err != nil {
		t.Fatalf("%v: every golden case lists the files its build reads", err)
	}
	defer f.Close()
	var reads []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		p := strings.TrimSpace(sc.Text())
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if path.IsAbs(p) || path.Clean(p) != p || strings.HasPrefix(p, "../") {
			t.Fatalf("%s:%d: %q is not a clean relative path", name, line, p)
		}
		info, err := os.Lstat(filepath.Join(c.dir, "input", filepath.FromSlash(p)))
		if err != nil || info.IsDir() {
			t.Fatalf("%s:%d: %s is not a file of the input", name, line, p)
		}
		reads = append(reads, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(reads) == 0 {
		t.Fatalf("%s lists no files", name)
	}
	return reads
}

// generatedFiles lists what nixgen writes for a golden case (its want/),
// as slash-separated relative paths.
func generatedFiles(t *testing.T, c goldenCase) []string {
	t.Helper()
	root := filepath.Join(c.dir, "want")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sourceExtensions are the file kinds the generated fileset keeps wherever
// they are (render.Rust and render.Go; crane's commonCargoSources keeps the
// same): a generated file of such a kind is in the source because of its
// name, not because the build reads it.
func sourceExtensions(t *testing.T, c goldenCase) []string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(c.dir, "input", "Cargo.toml")); err == nil {
		return []string{".rs", ".toml"}
	}
	if _, err := os.Stat(filepath.Join(c.dir, "input", "go.mod")); err == nil {
		return []string{".go"}
	}
	t.Fatalf("%s: neither Cargo.toml nor go.mod in the input", c.name)
	return nil
}

// gitDir is a small .git as a checkout has one, added to the flake's
// directory so that a fileset which reaches into .git shows it.
var gitDir = map[string]string{
	".git/HEAD":         "ref: refs/heads/main\n",
	".git/config":       "[core]\n\trepositoryformatversion = 0\n\tbare = false\n",
	".git/description":  "Unnamed repository\n",
	".git/info/exclude": "# git ls-files --others --exclude-from=.git/info/exclude\n",
}

// checkSources realises the src of every package of a golden flake (in a
// checkout with a .git) and checks it against what the build reads: every
// file of build-reads is there, no .git, and no file nixgen generated unless
// the build reads it or the fileset keeps every file of its kind.
func checkSources(t *testing.T, c goldenCase) {
	t.Helper()
	dir := evalDir(t, c)
	for name, text := range gitDir {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reads := buildReads(t, c)
	generated := generatedFiles(t, c)
	exts := sourceExtensions(t, c)
	seen := map[string]bool{}
	for _, src := range nixtest.Sources(t, dir) {
		if seen[src.StorePath] {
			continue
		}
		seen[src.StorePath] = true
		where := "src of packages." + src.System + "." + src.Package
		for _, r := range reads {
			if !slices.Contains(src.Files, r) {
				t.Errorf("%s lacks %s, which the build reads (%s)", where, r, src.StorePath)
			}
		}
		for _, f := range src.Files {
			if slices.Contains(strings.Split(f, "/"), ".git") {
				t.Errorf("%s holds %s: .git is never part of a build's source", where, f)
			}
			if slices.Contains(generated, f) && !slices.Contains(reads, f) && !slices.Contains(exts, path.Ext(f)) {
				t.Errorf("%s holds %s, which nixgen generates and the build does not read", where, f)
			}
		}
		t.Logf("%s: %d files, %d the build reads", where, len(src.Files), len(reads))
	}
}
