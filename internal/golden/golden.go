// Package golden compares what a test produced with golden files, and
// rewrites them instead when the test runs with -update. Every package's
// golden tests use it, so one flag updates them all:
//
//	go test ./... -update
//
// then review the diff with git.
package golden

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Update, set by -update, makes File and Dir write what the test produced
// instead of comparing it.
var Update = flag.Bool("update", false, "rewrite golden files from the current output")

// File compares got with the file at path, reporting a (-want +got) diff;
// under -update it writes got to path instead.
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run the test with -update to write it, then review it", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s\nrun the test with -update and review the diff", path, diff)
	}
}

// Dir compares every regular file in got with the file at the same path
// under dir, and reports files on one side only; under -update it makes dir
// hold exactly got's files instead, deleting stale ones and keeping the
// executable bit.
func Dir(t testing.TB, dir string, got fs.FS) {
	t.Helper()
	gotFiles := tree(t, got)
	if *Update {
		write(t, dir, got, gotFiles)
		return
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("%v: run the test with -update to write it, then review it", err)
	}
	if diff := cmp.Diff(tree(t, os.DirFS(dir)), gotFiles); diff != "" {
		t.Errorf("files differ from %s (-want +got):\n%s\nrun the test with -update and review the diff", dir, diff)
	}
}

// tree reads every regular file of fsys, by slash-separated path.
func tree(t testing.TB, fsys fs.FS) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func write(t testing.TB, dir string, got fs.FS, files map[string]string) {
	t.Helper()
	old := map[string]string{}
	if _, err := os.Stat(dir); err == nil {
		old = tree(t, os.DirFS(dir))
	}
	for p := range old {
		if _, ok := files[p]; !ok {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				t.Fatal(err)
			}
		}
	}
	removeEmptyDirs(t, dir)
	for p, data := range files {
		info, err := fs.Stat(got, p)
		if err != nil {
			t.Fatal(err)
		}
		mode := fs.FileMode(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		path := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // WriteFile keeps an existing file's mode
			t.Fatal(err)
		}
	}
}

// removeEmptyDirs removes the directories under dir that hold no file,
// deepest first; dir itself stays.
func removeEmptyDirs(t testing.TB, dir string) {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	slices.Reverse(dirs)
	for _, d := range dirs {
		if entries, err := os.ReadDir(d); err == nil && len(entries) == 0 {
			if err := os.Remove(d); err != nil {
				t.Fatal(err)
			}
		}
	}
}
