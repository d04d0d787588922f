package gitignore

import (
	"testing"
	"testing/fstest"
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
