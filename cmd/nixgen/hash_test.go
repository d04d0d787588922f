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

// nixgen hash prints what the real `nix hash path` prints, on a tree with
// every kind of entry.
func TestHashMatchesNix(t *testing.T) {
	nixtest.Require(t, "nix")
	dir := t.TempDir()
	for name, data := range map[string]string{
		"README":                "hello\n",
		"bin/tool":              "#!/bin/sh\n",
		"a/b/c/deep.txt":        strings.Repeat("x", 200000),
		"a/empty":               "",
		"a/b/Z-upper":           "Z",
		"a/b/a-lower":           "a",
		"unicode-\u00e9t\u00e9": "u",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "bin/tool"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../README", filepath.Join(dir, "a/link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "empty-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, filepath.Join(dir, "README"), filepath.Join(dir, "a/link")} {
		want, err := exec.Command("nix", "--extra-experimental-features", "nix-command", "hash", "path", p).Output()
		if err != nil {
			t.Fatalf("nix hash path %s: %v", p, err)
		}
		var stdout, stderr bytes.Buffer
		if code := run([]string{"nixgen", "hash", p}, &stdout, &stderr, func(string) string { return "" }); code != 0 {
			t.Fatalf("nixgen hash %s exited %d: %s", p, code, stderr.String())
		}
		if stdout.String() != string(want) {
			t.Errorf("nixgen hash %s = %q, nix hash path = %q", p, stdout.String(), want)
		}
	}
}
