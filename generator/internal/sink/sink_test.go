package sink

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	return out
}

// files makes a Files set from path -> content pairs, all with policy ie.
func files(ie IfExists, kv ...string) Files {
	var fs Files
	for i := 0; i < len(kv); i += 2 {
		fs.Add(File{Path: kv[i], Data: []byte(kv[i+1]), IfExists: ie})
	}
	return fs
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	fs := files(Refuse, "flake.nix", "{ }\n", "nix/module.nix", "m\n", "deploy/ship.sh", "#!/bin/sh\n")
	if _, err := Write(dir, fs); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"flake.nix": "{ }\n", "nix/module.nix": "m\n", "deploy/ship.sh": "#!/bin/sh\n"}
	if diff := cmp.Diff(want, tree(t, dir)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if st, _ := os.Stat(filepath.Join(dir, "deploy/ship.sh")); st.Mode().Perm() != 0o755 {
		t.Errorf("ship.sh mode %v, want 0755", st.Mode().Perm())
	}
	if st, _ := os.Stat(filepath.Join(dir, "flake.nix")); st.Mode().Perm() != 0o644 {
		t.Errorf("flake.nix mode %v, want 0644", st.Mode().Perm())
	}
}

func TestWriteRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b"), []byte("mine"), 0o600)
	_, err := Write(dir, files(Refuse, "a", "new a", "b", "new b"))
	var exists *diag.ExistsError
	if !errors.As(err, &exists) || !cmp.Equal(exists.Paths, []string{"b"}) {
		t.Fatalf("err = %v, want ExistsError for b", err)
	}
	if diff := cmp.Diff(map[string]string{"b": "mine"}, tree(t, dir)); diff != "" {
		t.Errorf("something was written (-want +got):\n%s", diff)
	}
	// With force both are replaced and b keeps its mode.
	if _, err := Write(dir, files(Refuse, "a", "new a", "b", "new b").Force()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"a": "new a", "b": "new b"}, tree(t, dir)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if st, _ := os.Stat(filepath.Join(dir, "b")); st.Mode().Perm() != 0o600 {
		t.Errorf("b mode %v, want 0600 kept", st.Mode().Perm())
	}
}

// A failure part-way leaves every file as it was and no temporary files.
func TestWriteAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("old a"), 0o644)
	// "z" is a file, so "z/inner" cannot be created.
	os.WriteFile(filepath.Join(dir, "z"), []byte("old z"), 0o644)
	_, err := Write(dir, files(Overwrite, "a", "new a", "z/inner", "x"))
	if err == nil {
		t.Fatal("no error")
	}
	if diff := cmp.Diff(map[string]string{"a": "old a", "z": "old z"}, tree(t, dir)); diff != "" {
		t.Errorf("tree changed (-want +got):\n%s", diff)
	}

	// A directory where a file goes is refused before anything is written.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("old a"), 0o644)
	os.MkdirAll(filepath.Join(dir, "b", "full"), 0o755)
	_, err = Write(dir, files(Overwrite, "a", "new a", "b", "x"))
	if err == nil {
		t.Fatal("no error")
	}
	got := tree(t, dir)
	if got["a"] != "old a" || len(got) != 1 {
		t.Errorf("after refusing a directory: %v, want only a = old a", got)
	}
}

// Keep files are written when missing and left alone when present;
// Diff does not compare them.
func TestWriteKeep(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine"), []byte("hand-written"), 0o644)
	fs := files(Refuse, "gen", "generated")
	fs.Add(File{Path: "mine", Data: []byte("scaffold"), IfExists: Keep, Why: "yours"})
	fs.Add(File{Path: "new", Data: []byte("scaffold"), IfExists: Keep})
	res, err := Write(dir, fs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"gen", "new"}, res.Written); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if len(res.Kept) != 1 || res.Kept[0].Path != "mine" || res.Kept[0].Why != "yours" {
		t.Errorf("kept = %+v, want mine", res.Kept)
	}
	if got := tree(t, dir); got["mine"] != "hand-written" || got["new"] != "scaffold" {
		t.Errorf("tree = %v", got)
	}
	if d := Diff(dir, fs); len(d) != 0 {
		t.Errorf("Diff compared kept files: %v", d)
	}
}
