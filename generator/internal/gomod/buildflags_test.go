package gomod

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// words shows commands one per line, unknown values as <NAME>.
func words(cmds []scriptCommand) string {
	var b strings.Builder
	for _, c := range cmds {
		w := strings.Join(c.Words, " | ")
		w = strings.NewReplacer("\x00", "<").Replace(w)
		if c.LdflagsVar {
			w = "LDFLAGS " + w
		}
		b.WriteString(c.At + " [" + c.Context + "] " + w + "\n")
	}
	return strings.ReplaceAll(b.String(), "<<", "<")
}

func TestShellCommands(t *testing.T) {
	vars := map[string]string{"TAGS": "a,b"}
	script := `A=1 B="two words"; export C=$A-$B
go build -tags "$TAGS" -ldflags="-X 'main.v=${VERSION:-dev}' -X main.c=$(git rev-parse HEAD)" \
  -o bin/x ./cmd/x # a comment
echo 'it''s' "q\"uote" ` + "`date`" + ` && CGO_ENABLED=0 go install ${PKG}
`
	cmds := shellCommands(script, vars)
	var got []string
	for _, c := range cmds {
		got = append(got, strings.ReplaceAll(strings.Join(c.Words, " | "), "\x00", "%"))
	}
	want := []string{
		"A=1 | B=two words",
		"export | C=1-two words",
		"go | build | -tags | a,b | -ldflags=-X 'main.v=%VERSION%' -X main.c=%git_rev_parse_HEAD% | -o | bin/x | ./cmd/x",
		`echo | its | q"uote | %date%`,
		"CGO_ENABLED=0 | go | install | %PKG%",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if cmds[2].Line != 2 || cmds[4].Line != 4 {
		t.Errorf("lines %d, %d; want 2, 4", cmds[2].Line, cmds[4].Line)
	}
	if d := shellCommands("(cd ui && yarn build) && go build .", map[string]string{}); len(d) != 3 || d[0].Depth != 1 || d[2].Depth != 0 {
		t.Errorf("subshell depths: %+v", d)
	}
	if vars["C"] != "1-two words" {
		t.Errorf("vars after the script: %v", vars)
	}
}

func TestMakefileCommands(t *testing.T) {
	src := "GO ?= go\n" +
		"VERSION := $(shell git describe --tags)\n" +
		"LDFLAGS = -s -w\n" +
		"LDFLAGS += -X main.version=$(VERSION) # stamped\n" +
		"export TAGS ::= sqlite$(if $(EXTRA_TAGS),$(comma)$(EXTRA_TAGS))\n" +
		"ifneq ($(wildcard .git),)\n" +
		"COMMIT = $(shell git rev-parse HEAD)\n" +
		"else\n" +
		"COMMIT = archive\n" +
		"endif\n" +
		"\n" +
		".PHONY: build\n" +
		"build: deps\n" +
		"\t@$(GO) build -tags $(TAGS) -ldflags \"$(LDFLAGS) -X main.commit=$(COMMIT)\" \\\n" +
		"\t\t-o bin/app ./cmd/app\n" +
		"\tfor f in a b; do echo $$f; done\n" +
		"\n" +
		"clean:\n" +
		"\trm -rf bin\n"
	got := words(makefileCommands("Makefile", src))
	want := "Makefile:3 [LDFLAGS] LDFLAGS -s | -w | -X | main.version=<VERSION<\n" +
		"Makefile:4 [LDFLAGS] LDFLAGS -s | -w | -X | main.version=<VERSION<\n" +
		"Makefile:14 [build] go | build | -tags | sqlite | -ldflags | -s -w -X main.version=<VERSION< -X main.commit=<COMMIT< | -o | bin/app | ./cmd/app\n" +
		"Makefile:16 [build] for | f | in | a | b\n" +
		"Makefile:16 [build] echo | <f<\n" +
		"Makefile:19 [clean] rm | -rf | bin\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDockerfileCommands(t *testing.T) {
	src := `FROM golang:1.22 AS build
ARG VERSION=dev
ENV CGO_ENABLED=0 GOFLAGS="-tags=netgo"
ENV MODE prod
RUN go build \
    -ldflags "-X main.Version=${VERSION} -X main.Mode=$MODE" -o /app .
RUN ["go", "install", "./cmd/tool"]
FROM scratch
`
	got := words(dockerfileCommands("Dockerfile", src))
	want := "Dockerfile:5 [build] go | build | -ldflags | -X main.Version=<VERSION< -X main.Mode=prod | -o | /app | .\n" +
		"Dockerfile:7 [build] go | install | ./cmd/tool\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestWorkflowCommands(t *testing.T) {
	src := `name: ci
env:
  GO_TAGS: osusergo,netgo
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
      - name: build
        run: |
          export LD_FLAGS="-s -X main.Version=${{ github.ref_name }} -X main.Mode=prod"
          go build -tags ${{ env.GO_TAGS }} -ldflags "$LD_FLAGS" .
        env:
          CGO_ENABLED: "0"
  windows:
    steps:
      - run: >
          GOOS=windows go build
          -o x.exe .
`
	got := words(workflowCommands("ci.yml", src))
	want := "ci.yml:8 [release] go | test | ./...\n" +
		"ci.yml:11 [release] export | LD_FLAGS=-s -X main.Version=<github.ref_name< -X main.Mode=prod\n" +
		"ci.yml:11 [LD_FLAGS] LDFLAGS -s | -X | main.Version=<github.ref_name< | -X | main.Mode=prod\n" +
		"ci.yml:12 [release] go | build | -tags | osusergo,netgo | -ldflags | -s -X main.Version=<github.ref_name< -X main.Mode=prod | .\n" +
		"ci.yml:18 [windows] GOOS=windows | go | build | -o | x.exe | .\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecideBuild(t *testing.T) {
	m := Main{Dir: "cmd/app", Name: "app", Vars: []string{"main.Version", "main.Mode", "main.commit", "example.com/app/internal/build.Flavor"},
		Deps: []string{"github.com/prometheus/common/version"}}
	for name, tc := range map[string]struct {
		scripts    []scriptCommand
		goreleaser []string
		ldflags    []string // goreleaser's
		want       buildSettings
	}{
		"every build shares a tag": {
			scripts: []scriptCommand{
				{At: "Makefile:3", Context: "build", Words: []string{"go", "build", "-tags", "sqlite,json1", "./cmd/app"}},
				{At: "Dockerfile:9", Words: []string{"go", "build", "-tags=sqlite", "-o", "/app", "example.com/app/cmd/app"}},
				{At: "Makefile:9", Context: "build-windows", Words: []string{"go", "build", "-tags", "windows_service", "./cmd/app"}},
				{At: "Makefile:12", Context: "dev", Words: []string{"go", "build", "-tags", "debug", "./cmd/app"}},
				{At: "Makefile:15", Context: "other", Words: []string{"go", "build", "-tags", "other", "./cmd/other"}},
				{At: "Makefile:18", Context: "tagged", Words: []string{"go", "build", "-tags", unknown("TAGS"), "./cmd/app"}},
				{At: "ci.yml:20", Context: "gen", Dir: "tools/gen", Words: []string{"go", "build", "-tags", "gen", "."}},
				{At: "ci.yml:30", Context: "app", Dir: "cmd", Words: []string{"go", "build", "-tags", "sqlite", "./app"}},
			},
			want: buildSettings{
				Tags: []string{"sqlite"}, From: []string{"tags sqlite: Makefile:3, Dockerfile:9, ci.yml:30"},
				Warnings: []string{"build tags json1 are set by only some builds of app (Makefile:3, Dockerfile:9, ci.yml:30): left out; the flake builds with sqlite"},
			},
		},
		"goreleaser's tags win": {
			scripts:    []scriptCommand{{At: "Makefile:3", Words: []string{"go", "build", "-tags", "noserver", "./cmd/app"}}},
			goreleaser: []string{"netgo"},
			want:       buildSettings{Tags: []string{"netgo"}, From: []string{"tags netgo: .goreleaser.yaml:4"}},
		},
		"-X values": {
			scripts: []scriptCommand{
				{At: "Makefile:3", Context: "release", Words: []string{"go", "build", "-ldflags", "-X main.Mode=prod -X main.commit=" + unknown("shell_git_rev-parse") + " -X=main.Version=v" + unknown("VERSION") + " -X main.unknown=x -X github.com/prometheus/common/version.Revision=abc", "./cmd/app"}},
				{At: "Makefile:1", Context: "LDFLAGS", LdflagsVar: true, Words: []string{"-X", "example.com/app/internal/build.Flavor=oss", "-X", "main.Mode=prod"}},
				{At: "Makefile:9", Context: "debug", Words: []string{"go", "build", "-ldflags", "-X main.Mode=dev", "./cmd/app"}},
			},
			want: buildSettings{
				Xflags: []string{"-X main.Mode=prod", "-X main.Version=${version}", "-X github.com/prometheus/common/version.Revision=abc", "-X example.com/app/internal/build.Flavor=oss"},
				From: []string{"-X main.Mode=prod: Makefile:3", "-X main.Version=${version}: Makefile:3",
					"-X github.com/prometheus/common/version.Revision=abc: Makefile:3", "-X example.com/app/internal/build.Flavor=oss: Makefile:1"},
			},
		},
		"conflicting literals": {
			scripts: []scriptCommand{
				{At: "Makefile:3", Words: []string{"go", "build", "-ldflags=-X main.Mode=prod", "./cmd/app"}},
				{At: "Dockerfile:3", Words: []string{"go", "build", "-ldflags=-X main.Mode=staging", "./cmd/app"}},
			},
			want: buildSettings{Warnings: []string{`-X main.Mode is set to different values ("prod" at Makefile:3, "staging" at Dockerfile:3): left out, the program keeps its default`}},
		},
		"goreleaser sets it already": {
			scripts: []scriptCommand{{At: "Makefile:3", Words: []string{"go", "build", "-ldflags=-X main.Mode=prod", "./cmd/app"}}},
			ldflags: []string{"-s", "-X main.Mode=release"},
			want:    buildSettings{},
		},
	} {
		t.Run(name, func(t *testing.T) {
			g := &Project{ModulePath: "example.com/app", Ldflags: tc.ldflags, GoreleaserTags: tc.goreleaser}
			if tc.goreleaser != nil {
				g.GoreleaserTagsAt = ".goreleaser.yaml:4"
			}
			g.Builds, g.LdflagsVars = goBuilds(tc.scripts)
			got := decideBuild(g, m)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoreleaserTags(t *testing.T) {
	fsys := mapFS(map[string]string{".goreleaser.yaml": `builds:
  - id: linux
    goos: [linux]
    tags: [ sqlite_omit_load_extension,osusergo,netgo ]
  - id: any
    flags:
      - -trimpath
      - -tags=netgo,osusergo
  - id: windows
    goos: [windows]
    tags: [ noserver ]
`})
	tags, at, err := goreleaserTags(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"netgo", "osusergo"}, tags); diff != "" || at != ".goreleaser.yaml:2" {
		t.Errorf("tags %v at %s (-want +got):\n%s", tags, at, diff)
	}
}
