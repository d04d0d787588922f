package gomod

import "testing"

// With several commands, none at the root, the one named like the module
// is packages.default, not the first by name.
func TestDefaultNamedLikeModule(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":                  "module example.com/headsvc\n\ngo 1.22\n",
		"cmd/gen-openapi/main.go": "package main\n\nfunc main() {}\n",
		"cmd/headsvc/main.go":     "package main\n\nfunc main() {}\n",
	})
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Default != "headsvc" {
		t.Errorf("default %q, want headsvc", p.Default)
	}
}
