package pins

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

// A URL, owner or repository that git would read as an option is refused
// with its file:line, before any remote is asked: exit 2.
func TestBumpRefusesOptionURLs(t *testing.T) {
	hash := `"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`
	for name, tc := range map[string]struct{ src, at string }{
		"fetchgit url":                {"{ src = fetchgit {\n  url = \"--upload-pack=touch pwned\";\n  rev = \"" + commit('1') + "\";\n  hash = " + hash + ";\n}; }\n", "f.nix:2:9"},
		"fetchgit url with a newline": {"{ src = fetchgit {\n  url = \"https://x/y\\nz\";\n  rev = \"" + commit('1') + "\";\n  hash = " + hash + ";\n}; }\n", "f.nix:2:9"},
		"owner":                       {"{ src = fetchFromGitHub {\n  owner = \"--upload-pack=x\";\n  repo = \"r\";\n  rev = \"" + commit('1') + "\";\n  hash = " + hash + ";\n}; }\n", "f.nix:2:11"},
		"repo":                        {"{ src = fetchFromGitHub {\n  owner = \"o\";\n  repo = \"r x\";\n  rev = \"" + commit('1') + "\";\n  hash = " + hash + ";\n}; }\n", "f.nix:3:10"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := bumpOne(t, tc.src, Options{Prefetcher: newFakePrefetcher(t, nil), Remote: &fakeRemote{t: t}})
			var in *diag.InputError
			if !errors.As(err, &in) || diag.ExitCode(err) != diag.ExitInput || !strings.HasPrefix(err.Error(), tc.at+": ") {
				t.Errorf("err = %v, want an input error at %s", err, tc.at)
			}
		})
	}
}

// A Cargo.lock git source that git would read as an option is refused at
// its line, before anything is fetched.
func TestBumpDepsRefusesOptionURL(t *testing.T) {
	lock := "version = 3\n\n[[package]]\nname = \"dep\"\nversion = \"0.1.0\"\nsource = \"git+--upload-pack=touch pwned;#" + commit('1') + "\"\n"
	src := "{ cargoLock.outputHashes = {\n  \"dep-0.1.0\" = lib.fakeHash;\n}; }\n"
	_, err := bumpOne(t, src, Options{Deps: true, Prefetcher: newFakePrefetcher(t, nil), Remote: &fakeRemote{t: t},
		Project: fstest.MapFS{"Cargo.lock": {Data: []byte(lock)}}})
	if diag.ExitCode(err) != diag.ExitInput || !strings.HasPrefix(err.Error(), "Cargo.lock:6: ") {
		t.Errorf("err = %v, want an input error at Cargo.lock:6", err)
	}
	// A broken Cargo.lock is reported where it breaks.
	_, err = bumpOne(t, src, Options{Deps: true, Prefetcher: newFakePrefetcher(t, nil), Remote: &fakeRemote{t: t},
		Project: fstest.MapFS{"Cargo.lock": {Data: []byte("version = 3\n\x01")}}})
	if diag.ExitCode(err) != diag.ExitInput || !strings.HasPrefix(err.Error(), "Cargo.lock:2:1: ") {
		t.Errorf("err = %v, want an input error at Cargo.lock:2:1", err)
	}
}
