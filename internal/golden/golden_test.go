package golden

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// recorder is a testing.TB that records a reported difference instead of
// failing; a fatal error still fails the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }

func withUpdate(t *testing.T, on bool) {
	old := *Update
	*Update = on
	t.Cleanup(func() { *Update = old })
}

func TestDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "want")
	v1 := fstest.MapFS{
		"a.txt":         {Data: []byte("a\n")},
		"deep/x/b.sh":   {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		"deep/stale.md": {Data: []byte("old\n")},
	}
	withUpdate(t, true)
	Dir(t, dir, v1)
	v2 := fstest.MapFS{
		"a.txt":       {Data: []byte("a\n")},
		"deep/x/b.sh": {Data: []byte("#!/bin/sh\necho\n"), Mode: 0o755},
	}
	Dir(t, dir, v2)
	if _, err := os.Stat(filepath.Join(dir, "deep", "stale.md")); !os.IsNotExist(err) {
		t.Errorf("-update left a stale file: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, "deep", "x", "b.sh")); err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("b.sh: %v %v, want mode 0755", info, err)
	}

	withUpdate(t, false)
	Dir(t, dir, v2)
	for name, got := range map[string]fstest.MapFS{
		"changed": {"a.txt": {Data: []byte("A\n")}, "deep/x/b.sh": v2["deep/x/b.sh"]},
		"missing": {"a.txt": v2["a.txt"]},
		"extra":   {"a.txt": v2["a.txt"], "deep/x/b.sh": v2["deep/x/b.sh"], "c": {}},
	} {
		r := &recorder{TB: t}
		Dir(r, dir, got)
		if !r.failed {
			t.Errorf("%s: Dir reported no difference", name)
		}
	}
}

func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "x.golden")
	withUpdate(t, true)
	File(t, path, []byte("one\n"))
	withUpdate(t, false)
	File(t, path, []byte("one\n"))
	r := &recorder{TB: t}
	File(r, path, []byte("two\n"))
	if !r.failed {
		t.Error("File reported no difference")
	}
}
