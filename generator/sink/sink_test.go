package sink

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/diag"
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

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{"flake.nix": []byte("{ }\n"), "nix/module.nix": []byte("m\n"), "deploy/ship.sh": []byte("#!/bin/sh\n")}
	if err := Write(dir, files, false); err != nil {
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
	err := Write(dir, map[string][]byte{"a": []byte("new a"), "b": []byte("new b")}, false)
	var exists *diag.ExistsError
	if !errors.As(err, &exists) || !cmp.Equal(exists.Paths, []string{"b"}) {
		t.Fatalf("err = %v, want ExistsError for b", err)
	}
	if diff := cmp.Diff(map[string]string{"b": "mine"}, tree(t, dir)); diff != "" {
		t.Errorf("something was written (-want +got):\n%s", diff)
	}
	// With force both are replaced and b keeps its mode.
	if err := Write(dir, map[string][]byte{"a": []byte("new a"), "b": []byte("new b")}, true); err != nil {
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
	err := Write(dir, map[string][]byte{"a": []byte("new a"), "z/inner": []byte("x")}, true)
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
	err = Write(dir, map[string][]byte{"a": []byte("new a"), "b": []byte("x")}, true)
	if err == nil {
		t.Fatal("no error")
	}
	got := tree(t, dir)
	if got["a"] != "old a" || len(got) != 1 {
		t.Errorf("after refusing a directory: %v, want only a = old a", got)
	}
}
