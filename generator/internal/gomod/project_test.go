package gomod

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

func fixture(name string) string {
	if name == "go-library" {
		return filepath.Join("..", "..", "..", "fixtures", "projects", name, "input")
	}
	return filepath.Join("..", "..", "..", "fixtures", "init", name, "input")
}

func TestDetectFixtures(t *testing.T) {
	for name, want := range map[string]*Project{
		"go-stdlib-http": {
			ModulePath: "example.com/hello", GoVersion: "1.22.3",
			Mains:          []Main{{Dir: ".", Name: "hello", Server: true}},
			NoRequirements: true,
			VersionVar:     "main.version",
			License:        "MIT",
			Server:         true,
			Dirs:           []string{"."},
		},
		"go-two-cmds": {
			ModulePath: "github.com/example/twocmds", GoVersion: "1.23.0",
			Mains: []Main{
				{Dir: "cmd/api", Name: "api", Server: true},
				{Dir: "cmd/migrate", Name: "migrate"},
			},
			Requires:   []string{"github.com/google/uuid", "golang.org/x/sync"},
			Imports:    []string{"github.com/google/uuid", "golang.org/x/sync/errgroup"},
			Ldflags:    []string{"-s", "-w", "-X github.com/example/twocmds/internal/buildinfo.Version=${version}"},
			VersionVar: "github.com/example/twocmds/internal/buildinfo.Version",
			License:    "Apache-2.0",
			Server:     true,
			Dirs:       []string{"cmd/api", "cmd/migrate", "internal/buildinfo", "internal/store"},
		},
		"go-cgo-sqlite": {
			ModulePath: "example.com/notes", GoVersion: "1.22",
			Mains:    []Main{{Dir: ".", Name: "notes"}},
			Requires: []string{"github.com/mattn/go-sqlite3"},
			Imports:  []string{"github.com/mattn/go-sqlite3"},
			License:  "ISC",
			Dirs:     []string{"."},
		},
		"go-vendored": {
			ModulePath: "example.com/fetchall", GoVersion: "1.22",
			Mains:      []Main{{Dir: ".", Name: "fetchall"}},
			Vendored:   true,
			Requires:   []string{"golang.org/x/sync"},
			Imports:    []string{"golang.org/x/sync/errgroup"},
			VersionVar: "main.Version",
			License:    "Unlicense",
			Dirs:       []string{"."},
		},
		"go-work": {
			ModulePath: "example.com/workapp", GoVersion: "1.22",
			Mains:         []Main{{Dir: ".", Name: "workapp"}},
			Requires:      []string{"example.com/workapp/greet"},
			LocalReplaces: []string{"greet"},
			Work:          &WorkFile{GoVersion: "1.22", Use: []string{".", "greet", "tools"}},
			Dirs:          []string{"."},
		},
		"go-library": {
			ModulePath: "github.com/example/kv", GoVersion: "1.21",
			NoRequirements: true,
			License:        "BSD-3-Clause",
			Dirs:           []string{".", "internal/parse"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Scan(os.DirFS(fixture(name)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, ignoreSurface); diff != "" {
				t.Errorf("Detect (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectIsDeterministic(t *testing.T) {
	fsys := os.DirFS(fixture("go-two-cmds"))
	first, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := Scan(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("second Detect differs (-first +again):\n%s", diff)
		}
	}
}

// mapFS builds an fstest.MapFS from name -> contents.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestDetectMains(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":                      "module example.com/tool/v2\n\ngo 1.22\n",
		"main.go":                     "package main\n\nfunc main() {}\n",
		"main_test.go":                "package main\n",
		"cmd/linuxonly/main.go":       "//go:build linux\n\npackage main\n\nfunc main() {}\n",
		"cmd/winonly/main.go":         "//go:build windows\n\npackage main\n\nfunc main() {}\n",
		"cmd/winname/main_windows.go": "package main\n\nfunc main() {}\n",
		"cmd/nocgo/main.go":           "//go:build !cgo\n\npackage main\n\nfunc main() {}\n",
		"cmd/v3/main.go":              "package main\n\nfunc main() {}\n",
		"cmd/gen/main.go":             "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
		"cmd/gen/gen.go":              "package gen\n",
		"cmd/onlytests/x_test.go":     "package main\n",
		"internal/lib/lib.go":         "package lib\n",
		"testdata/main.go":            "package main\n",
		"vendor/x/main.go":            "package main\n",
		"_attic/main.go":              "package main\n",
		".hidden/main.go":             "package main\n",
		"nested/go.mod":               "module example.com/nested\n",
		"nested/main.go":              "package main\n",
		"docs/README.md":              "not go\n",
	})
	p, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []Main{
		{Dir: ".", Name: "tool"},
		{Dir: "cmd/linuxonly", Name: "linuxonly"},
		{Dir: "cmd/v3", Name: "cmd"},
	}
	if diff := cmp.Diff(want, p.Mains, ignoreSurface); diff != "" {
		t.Errorf("Mains (-want +got):\n%s", diff)
	}
}

func TestBinaryName(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/tool":        "tool",
		"example.com/tool/v2":     "tool",
		"example.com/tool/v1":     "v1",
		"example.com/tool/v0":     "v0",
		"example.com/tool/cmd/x":  "x",
		"example.com/tool/vfoo":   "vfoo",
		"example.com/tool/v10":    "tool",
		"gopkg.in/yaml.v3":        "yaml.v3",
		"example.com/tool/cmd/v2": "cmd",
	} {
		if got := binaryName(in); got != want {
			t.Errorf("binaryName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string // substring of the error
	}{
		"bad go.mod": {
			files: map[string]string{"go.mod": "module example.com/x\n\ngo 1.22\nfrobnicate here\n"},
			want:  "go.mod:4: unknown directive: frobnicate",
		},
		"no module line": {
			files: map[string]string{"go.mod": "go 1.22\n"},
			want:  "go.mod: no module line",
		},
		"replace outside": {
			files: map[string]string{"go.mod": "module example.com/x\n\ngo 1.22\n\nreplace example.com/y => ../y\n"},
			want:  "go.mod:5:1: replace example.com/y => ../y: the target is outside the source",
		},
		"two packages": {
			files: map[string]string{"go.mod": "module example.com/x\n", "a/a.go": "package a\n", "a/b.go": "package b\n"},
			want:  "a: found packages a (a.go) and b (b.go)",
		},
		"syntax error": {
			files: map[string]string{"go.mod": "module example.com/x\n", "main.go": "package main\n\nfunc main() {\n"},
			want:  "main.go:",
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Scan(mapFS(tc.files))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Detect error = %v, want it to contain %q", err, tc.want)
			}
			if code := diag.ExitCode(err); code != diag.ExitInput {
				t.Errorf("ExitCode = %d, want %d", code, diag.ExitInput)
			}
		})
	}
}

func TestDetectNoGoMod(t *testing.T) {
	_, err := Scan(mapFS(map[string]string{"Cargo.toml": "[package]\n"}))
	if !errors.Is(err, ErrNoGoMod) {
		t.Fatalf("Detect error = %v, want ErrNoGoMod", err)
	}
}

func TestDetectWorkspaceRoot(t *testing.T) {
	_, err := Scan(mapFS(map[string]string{"go.work": "go 1.22\n\nuse (\n\t./api\n\t./web\n)\n", "api/go.mod": "module example.com/api\n"}))
	var werr *WorkError
	if !errors.As(err, &werr) || !strings.Contains(err.Error(), "go.work: a workspace without a go.mod at the root (modules: ./api, ./web)") || !strings.Contains(err.Error(), "run nixgen in the module directory") {
		t.Fatalf("Detect error = %v, want a *WorkError listing the modules", err)
	}
}

func TestDetectRequirementsAndVendor(t *testing.T) {
	base := "module example.com/x\n\ngo 1.22\n"
	for name, tc := range map[string]struct {
		files          map[string]string
		vendored, none bool
		replaces       []string
	}{
		"none":           {files: map[string]string{"go.mod": base}, none: true},
		"required":       {files: map[string]string{"go.mod": base + "require example.com/y v1.0.0\n"}},
		"vendored":       {files: map[string]string{"go.mod": base + "require example.com/y v1.0.0\n", "vendor/modules.txt": "# example.com/y v1.0.0\n"}, vendored: true},
		"vendor ignored": {files: map[string]string{"go.mod": base + "require example.com/y v1.0.0\n", "vendor/modules.txt": "#\n", ".gitignore": "*.out\n/vendor/\n"}},
		"vendor no list": {files: map[string]string{"go.mod": base + "require example.com/y v1.0.0\n", "vendor/example.com/y/y.go": "package y\n"}},
		"local replaces": {files: map[string]string{"go.mod": base + "require example.com/y v1.0.0\nreplace (\n\texample.com/y => ./third_party/y/\n\texample.com/z => example.com/z2 v1.0.0\n\texample.com/w => ./w\n)\n"}, replaces: []string{"third_party/y", "w"}},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Scan(mapFS(tc.files))
			if err != nil {
				t.Fatal(err)
			}
			if p.Vendored != tc.vendored || p.NoRequirements != tc.none {
				t.Errorf("Vendored, NoRequirements = %v, %v; want %v, %v", p.Vendored, p.NoRequirements, tc.vendored, tc.none)
			}
			if diff := cmp.Diff(tc.replaces, p.LocalReplaces); diff != "" {
				t.Errorf("LocalReplaces (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectToolchain(t *testing.T) {
	p, err := Scan(mapFS(map[string]string{"go.mod": "module example.com/x\n\ngo 1.22.3\n\ntoolchain go1.22.5\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.GoVersion != "1.22.3" || p.Toolchain != "go1.22.5" {
		t.Errorf("GoVersion, Toolchain = %q, %q", p.GoVersion, p.Toolchain)
	}
}

func TestDetectWork(t *testing.T) {
	gomod := "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.1.0\n"
	lib := "module example.com/lib\n\ngo 1.22\n"
	for name, tc := range map[string]struct {
		files   map[string]string
		want    *WorkFile
		wantErr string
	}{
		"tools only": {
			files: map[string]string{"go.mod": gomod, "go.work": "go 1.22\n\nuse (\n\t.\n\t./tools\n)\n", "tools/go.mod": "module example.com/tools\n"},
			want:  &WorkFile{GoVersion: "1.22", Use: []string{".", "tools"}},
		},
		"replaced in go.mod": {
			files: map[string]string{"go.mod": gomod + "replace example.com/lib => ./lib\n", "go.work": "use ./lib\nuse .\n", "lib/go.mod": lib},
			want:  &WorkFile{Use: []string{".", "lib"}},
		},
		"supplies a requirement": {
			files:   map[string]string{"go.mod": gomod, "go.work": "go 1.22\n\nuse .\nuse ./lib\n", "lib/go.mod": lib},
			wantErr: "go.work:4:1: the workspace supplies example.com/lib (use ./lib), which go.mod requires without a replace directive",
		},
		"replaces a requirement": {
			files:   map[string]string{"go.mod": gomod, "go.work": "go 1.22\n\nuse .\n\nreplace example.com/lib => example.com/fork v0.2.0\n"},
			wantErr: "go.work:5:1: replace example.com/lib applies to a module go.mod requires",
		},
		"use without go.mod": {
			files:   map[string]string{"go.mod": gomod, "go.work": "use ./missing\n"},
			wantErr: "go.work:1:1: use ./missing: cannot read missing/go.mod",
		},
		"malformed": {
			files:   map[string]string{"go.mod": gomod, "go.work": "use\n"},
			wantErr: "go.work:1:",
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Scan(mapFS(tc.files))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Detect error = %v, want it to contain %q", err, tc.wantErr)
				}
				var werr *WorkError
				if name != "malformed" && (!errors.As(err, &werr) || !strings.Contains(err.Error(), "run nixgen in the module directory")) {
					t.Errorf("Detect error = %v (%T), want a *WorkError naming the workaround", err, err)
				}
				if code := diag.ExitCode(err); code != diag.ExitInput {
					t.Errorf("ExitCode = %d, want %d", code, diag.ExitInput)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.Work); diff != "" {
				t.Errorf("Work (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeftOutMains(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":                          "module example.com/app\n\ngo 1.22\n",
		"main.go":                         "package main\n\nimport _ \"example.com/app/loader\"\n\nvar Version = \"dev\"\n\nfunc main() {}\n",
		"loader/loader.go":                "package loader\n\nimport _ \"plugin\"\n",
		"cmd/admin/main.go":               "package main\n\nfunc main() {}\n",
		"cmd/hooks/main.go":               "package main\n\nfunc Hook() {}\n\nfunc main() {}\n",
		"examples/hello/main.go":          "package main\n\nfunc main() {}\n",
		"docs/example/main.go":            "package main\n\nfunc main() {}\n",
		"test/e2e/main.go":                "package main\n\nfunc main() {}\n",
		"plugin/testing/broken/x/main.go": "package main\n\nfunc main() { panic(1) }\n",
		"plugin/noop/noop.go":             "package main\n\nfunc New() {}\n",
		"internal/testing/fake/fake.go":   "package fake\n",
	})
	p, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range p.Mains {
		got[m.Dir] = m.LeftOutDir + ": " + m.LeftOut
	}
	want := map[string]string{
		".":                       ": ",
		"cmd/admin":               ": ",
		"cmd/hooks":               "cmd/hooks: a plugin (the module loads plugins, and this package main exports func Hook)",
		"docs/example":            "docs/example: an example (in example/)",
		"examples/hello":          "examples: an example (in examples/)",
		"plugin/noop":             "plugin/noop: a plugin or shared library (package main without func main)",
		"plugin/testing/broken/x": "plugin/testing: a test program (in testing/)",
		"test/e2e":                "test: a test program (in test/)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("left out (-want +got):\n%s", diff)
	}
}
