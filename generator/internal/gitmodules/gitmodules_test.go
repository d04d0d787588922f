package gitmodules

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestRead(t *testing.T) {
	fsys := fstest.MapFS{
		".gitmodules": {Data: []byte(`[submodule "common"]
	path = libs/common
	url = https://example.com/common.git
[submodule "docs-theme"]
	path = docs/theme/
	url = ../theme
[submodule "escape"]
	path = ../outside
	url = https://example.com/x
[submodule "dotgit"]
	path = .git/hooks
	url = https://example.com/y
`)},
		"libs/common/Cargo.toml": {},
		"docs/theme":             {Mode: fs.ModeDir | 0o755}, // an empty directory: never initialised
	}
	subs, warnings, err := Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Submodule{{Path: "docs/theme"}, {Path: "libs/common", CheckedOut: true}}
	if diff := cmp.Diff(want, subs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// go-git drops ../outside itself; .git/hooks is refused here.
	wantWarnings := []string{`.gitmodules: submodule "dotgit" has path ".git/hooks", not a directory inside the repository; ignored`}
	if diff := cmp.Diff(wantWarnings, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestReadNone(t *testing.T) {
	subs, warnings, err := Read(fstest.MapFS{"Cargo.toml": {}})
	if err != nil || subs != nil || warnings != nil {
		t.Errorf("Read = %v, %v, %v; want nothing", subs, warnings, err)
	}
}

func TestReadMalformed(t *testing.T) {
	_, _, err := Read(fstest.MapFS{".gitmodules": {Data: []byte("[submodule \"x\"\n\tpath = a\n")}})
	if err == nil {
		t.Fatal("a malformed .gitmodules was accepted")
	}
}
