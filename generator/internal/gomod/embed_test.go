package gomod

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestEmbeds(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":                  "module x\n",
		"main.go":                 "package main\n\nimport \"embed\"\n\n//go:embed templates/*.html static \"odd name.txt\"\nvar f embed.FS\n\nfunc main() {}\n",
		"templates/a.html":        "a",
		"templates/b.txt":         "b",
		"static/app.js":           "c",
		"odd name.txt":            "d",
		"internal/x/x.go":         "package x\n\nimport \"embed\"\n\n//go:embed all:schema\nvar s embed.FS\n",
		"internal/x/schema/1.sql": "e",
		"main_test.go":            "package main\n\n//go:embed testonly.txt\nvar s string\n",
		"win.go":                  "//go:build windows\n\npackage main\n\nimport _ \"embed\"\n\n//go:embed missing.ico\nvar icon []byte\n",
	})
	p, err := Detect(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"internal/x/schema", "odd name.txt", "static", "templates"}
	if diff := cmp.Diff(want, p.Sources); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// An embed pattern that matches nothing in the source, or only
// placeholders, is an error naming the build step that makes it.
func TestEmbedMissing(t *testing.T) {
	const uiGo = "package ui\n\nimport \"embed\"\n\n//go:embed build/*\nvar box embed.FS\n"
	base := func(more map[string]string) map[string]string {
		files := map[string]string{
			"go.mod":          "module example.com/app\n",
			"main.go":         "package main\n\nimport _ \"example.com/app/ui\"\n\nfunc main() {}\n",
			"ui/ui.go":        uiGo,
			"ui/package.json": `{"name": "ui", "scripts": {"build": "vite build --outDir build", "lint": "eslint ."}}`,
			"ui/yarn.lock":    "",
			"Makefile":        "build-js:\n\t(cd ui && yarn build)\n\nbuild: build-js\n\tgo build .\n",
		}
		for k, v := range more {
			files[k] = v
		}
		return files
	}
	for name, tc := range map[string]struct {
		files    map[string]string
		provided []string
		want     string // the error; "" for none
		warning  string
	}{
		"nothing": {
			files: base(nil),
			want: "ui/ui.go:5: //go:embed build/*: nothing in the source matches it; a build step makes ui/build: " +
				"`yarn run build` in ui (ui/package.json: \"vite build --outDir build\"); `make build-js` (Makefile:2)",
		},
		"the step by --prefix, not the ones that only clean or make the place": {
			files: base(map[string]string{
				"ui/yarn.lock": "",
				"Makefile":     "ui:\n\tnpm --prefix ui run build\n\nclean:\n\trm -rf ui/build\n\nplaceholder:\n\tif [ ! -d ui/build ]; then mkdir -p ui/build; fi\n\ncopy:\n\tcp -r dist ui/build\n",
			}),
			want: "a build step makes ui/build: `yarn run build` in ui (ui/package.json: \"vite build --outDir build\"); `make ui` (Makefile:2), `make copy` (Makefile:11)",
		},
		"only a placeholder": {
			files: base(map[string]string{"ui/build/.gitkeep": ""}),
			want:  "ui/ui.go:5: //go:embed build/*: ui/build holds only placeholders (.gitkeep), so the binary would ship without what belongs there",
		},
		"all: and an empty file": {
			files: base(map[string]string{"ui/ui.go": strings.Replace(uiGo, "build/*", "all:build", 1), "ui/build/index.html": ""}),
			want:  "ui/ui.go:5: //go:embed all:build: ui/build holds only placeholders (index.html)",
		},
		"built locally, but ignored by git": {
			files: base(map[string]string{"ui/build/index.html": "<html>", "ui/.gitignore": "node_modules\n/build\n"}),
			want:  "ui/ui.go:5: //go:embed build/*: what matches it is left out of git by ui/.gitignore:2, so a flake's source lacks it",
		},
		"committed": {
			files: base(map[string]string{"ui/build/index.html": "<html>", "ui/.gitignore": "node_modules\n/build/*.map\n"}),
		},
		"re-included": {
			files: base(map[string]string{"ui/build/index.html": "<html>", ".gitignore": "build/*\n!build/index.html\n"}),
		},
		"provided": {
			files:    base(nil),
			provided: []string{"ui/build"},
			warning:  "ui/ui.go:5: //go:embed build/*: ui/build is provided by you (nixgen.toml's [go] embed-provided)",
		},
		"no build step": {
			files: map[string]string{"go.mod": "module example.com/app\n", "main.go": "package main\n\nimport _ \"embed\"\n\n//go:embed VERSION\nvar v string\n\nfunc main() {}\n"},
			want:  "main.go:5: //go:embed VERSION: nothing in the source matches it; nixgen found no build step that makes VERSION (no package.json script, no Makefile target)",
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Detect(mapFS(tc.files), Options{EmbedProvided: tc.provided})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tc.warning != "" && !strings.Contains(strings.Join(p.Warnings, "\n"), tc.warning) {
					t.Errorf("warnings %q lack %q", p.Warnings, tc.warning)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
			if diag.ExitCode(err) != diag.ExitInput || !strings.Contains(err.Error(), "embed-provided") {
				t.Errorf("exit %d, and the hint should say how to go on: %v", diag.ExitCode(err), err)
			}
		})
	}
}

// A bundle an npm or classic yarn build makes is built by the flake: no
// error, a frontend, and a warning that names the step.
func TestEmbedFrontend(t *testing.T) {
	const uiGo = "package ui\n\nimport \"embed\"\n\n//go:embed build/*\nvar box embed.FS\n"
	files := func(lock, lockText string) map[string]string {
		return map[string]string{
			"go.mod":          "module example.com/app\n",
			"main.go":         "package main\n\nimport _ \"example.com/app/ui\"\n\nfunc main() {}\n",
			"ui/ui.go":        uiGo,
			"ui/package.json": `{"scripts": {"build": "vite build --outDir build"}}`,
			"ui/" + lock:      lockText,
		}
	}
	for name, tc := range map[string]struct {
		files   map[string]string
		manager string // "" for none: the embed stays an error
	}{
		"npm":        {files("package-lock.json", `{"lockfileVersion": 3}`), "npm"},
		"yarn v1":    {files("yarn.lock", "# yarn lockfile v1\n"), "yarn"},
		"yarn berry": {files("yarn.lock", "__metadata:\n  version: 8\n"), ""},
		"pnpm":       {files("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"), ""},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Detect(mapFS(tc.files), Options{})
			if tc.manager == "" {
				if err == nil {
					t.Fatalf("want the embed error, got frontends %+v", p.Go.Frontends)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := []model.Frontend{{Dir: "ui", Manager: tc.manager, Script: "build", Out: "build", Target: "ui/build", At: "ui/ui.go:5"}}
			if diff := cmp.Diff(want, p.Go.Frontends); diff != "" {
				t.Errorf("frontends (-want +got):\n%s", diff)
			}
			if !strings.Contains(strings.Join(p.Warnings, "\n"), "the flake builds it with `"+tc.manager+" run build` in ui") {
				t.Errorf("warnings %q", p.Warnings)
			}
		})
	}
}
