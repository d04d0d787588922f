package gitignore

import (
	"bytes"
	"testing"
	"testing/fstest"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

func TestIgnored(t *testing.T) {
	fsys := fstest.MapFS{
		".gitignore":       {Data: []byte("# local\n.env\n*.sqlite3\n!seed.sqlite3\n/target\nlogs/\n")},
		"web/.gitignore":   {Data: []byte("/build\n")},
		"web/build/app.js": {},
		"web/src/build":    {},
		"logs/today.txt":   {},
		"crates/logs":      {},
	}
	g := New(fsys)
	for p, want := range map[string]string{
		".env":               ".gitignore:2",
		"crates/api/.env":    ".gitignore:2",
		"dev.sqlite3":        ".gitignore:3",
		"data/dev.sqlite3":   ".gitignore:3",
		"seed.sqlite3":       "",
		"target/debug/x":     ".gitignore:5",
		"crates/target/x":    "",
		"logs/today.txt":     ".gitignore:6",
		"crates/logs":        "", // logs/ matches directories only
		"web/build/app.js":   "web/.gitignore:1",
		"web/src/build":      "",
		".env.example":       "",
		"src/main.rs":        "",
		"web/build/.gitkeep": "web/.gitignore:1",
	} {
		if got := g.Ignored(p); got != (want != "") {
			t.Errorf("Ignored(%q) = %v, want %v", p, got, want != "")
		}
		if want != "" && g.Why(p) != want {
			t.Errorf("Why(%q) = %q, want %q", p, g.Why(p), want)
		}
	}
}

// A file git tracks is in the source even when a .gitignore line matches
// it (committed before the line was added, or with add -f).
func TestIgnoredTracked(t *testing.T) {
	var idx bytes.Buffer
	entries := []*index.Entry{{Name: "db/seed.sqlite3"}, {Name: "db-notes.txt"}, {Name: "dev.sqlite3"}}
	if err := index.NewEncoder(&idx).Encode(&index.Index{Version: 2, Entries: entries}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		".gitignore":      {Data: []byte("*.sqlite3\n.env\n")},
		".git/index":      {Data: idx.Bytes()},
		"dev.sqlite3":     {},
		"other.sqlite3":   {},
		"db/seed.sqlite3": {},
		".env":            {},
	}
	g := New(fsys)
	for p, want := range map[string]bool{
		"dev.sqlite3":     false, // tracked
		"db/seed.sqlite3": false, // tracked
		"db":              false, // holds a tracked file
		"other.sqlite3":   true,
		".env":            true,
	} {
		if got := g.Ignored(p); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", p, got, want)
		}
	}
}
