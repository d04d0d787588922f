package gomod

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// native runs Detect and Native on files.
func native(t *testing.T, files map[string]string) *model.Project {
	t.Helper()
	p, err := Detect(mapFS(files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	Native(p)
	return p
}

// TestCLibraries builds a module whose own cgo directives name each
// library of every row, by pkg-config and by -l.
func TestCLibraries(t *testing.T) {
	for _, row := range cLibraries {
		for _, name := range append(append([]string(nil), row.pkgConfig...), row.libs...) {
			directive := "#cgo pkg-config: " + name
			if !slices.Contains(row.pkgConfig, name) {
				directive = "#cgo LDFLAGS: -l" + name
			}
			t.Run(directive, func(t *testing.T) {
				p := native(t, map[string]string{
					"go.mod":  "module example.com/x\n\ngo 1.22\n",
					"main.go": "package main\n\n// " + directive + "\nimport \"C\"\n\nfunc main() {}\n",
				})
				var want model.Native
				if row.linux {
					want.LinuxBuildInputs = model.SortStrings(append([]string(nil), row.attrs...))
				} else {
					want.BuildInputs = model.SortStrings(append([]string(nil), row.attrs...))
				}
				if strings.HasPrefix(directive, "#cgo pkg-config") {
					want.NativeBuildInputs = []string{"pkg-config"}
				}
				if diff := cmp.Diff(want, p.Native); diff != "" || !p.Go.Cgo || len(p.Warnings) > 1 {
					t.Errorf("cgo %v, warnings %q, native (-want +got):\n%s", p.Go.Cgo, p.Warnings, diff)
				}
			})
		}
	}
}

func TestNative(t *testing.T) {
	const gomod = "module example.com/x\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n"
	for name, tc := range map[string]struct {
		files    map[string]string
		cgo      bool
		native   model.Native
		warnings []string // substrings, in order
	}{
		"unknown names, with where": {
			files: map[string]string{
				"go.mod":          "module example.com/x\n\ngo 1.22\n",
				"main.go":         "package main\n\nimport _ \"example.com/x/tag\"\n\nfunc main() {}\n",
				"tag/tag.go":      "package tag\n\n/*\n#cgo linux pkg-config: --static taglib libfrob\n#cgo windows LDFLAGS: -lwinfrob\n#cgo LDFLAGS: -lm -lfrob2\n*/\nimport \"C\"\n",
				"tag/tag_test.go": "package tag\n\n// #cgo pkg-config: testonly\nimport \"C\"\n",
			},
			cgo:    true,
			native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"taglib", "zlib"}},
			warnings: []string{
				"no LICENSE",
				"tag/tag.go:4: #cgo pkg-config: libfrob: nixgen knows no nixpkgs package for it",
				"tag/tag.go:6: #cgo LDFLAGS: -lfrob2: nixgen knows no nixpkgs package for it",
			},
		},
		"a committed vendor/ is read, from the module's imports on": {
			files: map[string]string{
				"go.mod":                               gomod,
				"main.go":                              "package main\n\nimport _ \"example.com/dep/img\"\n\nfunc main() {}\n",
				"vendor/modules.txt":                   "# example.com/dep v1.0.0\n## explicit\nexample.com/dep/img\nexample.com/dep/webp\nexample.com/dep/unused\n",
				"vendor/example.com/dep/img/img.go":    "package img\n\nimport _ \"example.com/dep/webp\"\n",
				"vendor/example.com/dep/webp/webp.go":  "package webp\n\n// #cgo pkg-config: libwebp\n// #cgo darwin LDFLAGS: -lfrob\nimport \"C\"\n",
				"vendor/example.com/dep/unused/x.go":   "package unused\n\n// #cgo LDFLAGS: -lunused\nimport \"C\"\n",
				"vendor/example.com/dep/webp/w_win.go": "//go:build windows\n\npackage webp\n\n// #cgo LDFLAGS: -lwin\nimport \"C\"\n",
			},
			cgo:      true,
			native:   model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"libwebp"}},
			warnings: []string{"no LICENSE"},
		},
		"dependencies unread: the known bindings, and a warning": {
			files: map[string]string{
				"go.mod":  gomod,
				"main.go": "package main\n\nimport (\n\t_ \"github.com/google/gopacket/pcap\"\n\t_ \"github.com/pebbe/zmq4\"\n\t_ \"github.com/mattn/go-sqlite3x\"\n)\n\nfunc main() {}\n",
			},
			cgo:    true,
			native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"libpcap", "zeromq"}},
			warnings: []string{"no LICENSE", "the C libraries of 3 dependency packages the build imports are unknown: their sources were not read",
				"their modules, github.com/google/gopacket/pcap, github.com/mattn/go-sqlite3x, github.com/pebbe/zmq4"},
		},
		"bundled sqlite: cgo, no library": {
			files: map[string]string{
				"go.mod":  gomod,
				"main.go": "package main\n\nimport _ \"github.com/mattn/go-sqlite3\"\n\nfunc main() {}\n",
			},
			cgo:      true,
			warnings: []string{"no LICENSE", "the C libraries of the dependency package the build imports are unknown"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := native(t, tc.files)
			if diff := cmp.Diff(tc.native, p.Native); diff != "" || p.Go.Cgo != tc.cgo {
				t.Errorf("cgo %v, want %v; native (-want +got):\n%s", p.Go.Cgo, tc.cgo, diff)
			}
			got := strings.Join(p.Warnings, "\n")
			rest := got
			for _, w := range tc.warnings {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("warnings lack %q (in order):\n%s", w, got)
					break
				}
				rest = rest[i+len(w):]
			}
			if n := len(p.Warnings); n != len(tc.warnings) && !strings.Contains(tc.warnings[len(tc.warnings)-1], ", ") {
				t.Errorf("%d warnings, want %d:\n%s", n, len(tc.warnings), got)
			}
		})
	}
}
