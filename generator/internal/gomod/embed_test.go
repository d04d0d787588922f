package gomod

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestEmbeds(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":                  {Data: []byte("module x\n")},
		"main.go":                 {Data: []byte("package main\n//go:embed templates/*.html static \"odd name.txt\"\nvar f embed.FS\n")},
		"templates/a.html":        {Data: []byte("a")},
		"templates/b.txt":         {Data: []byte("b")},
		"static/app.js":           {Data: []byte("c")},
		"odd name.txt":            {Data: []byte("d")},
		"internal/x/x.go":         {Data: []byte("package x\n//go:embed all:schema\nvar s embed.FS\n")},
		"internal/x/schema/1.sql": {Data: []byte("e")},
		"main_test.go":            {Data: []byte("package main\n//go:embed testonly.txt\n")},
		"testonly.txt":            {Data: []byte("f")},
	}
	got, err := Embeds(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"internal/x/schema", "odd name.txt", "static", "templates"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
