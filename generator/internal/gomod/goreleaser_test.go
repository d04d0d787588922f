package gomod

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGoreleaserLdflags(t *testing.T) {
	for name, tc := range map[string]struct {
		file, config string
		want         []string
	}{
		"block sequence": {
			file: ".goreleaser.yaml",
			config: `version: 2
project_name: x # a comment
builds:
  - id: x
    main: ./cmd/x
    ldflags:
      - -s -w
      - -X main.version={{.Version}} # stamped
      - -X main.commit={{.Commit}}
      - -X main.date={{ .Date }}
    env:
      - CGO_ENABLED=0
archives:
  - id: a
    ldflags: [-ignored]
`,
			want: []string{"-s", "-w", "-X main.version=${version}"},
		},
		"inline string, yml": {
			file:   ".goreleaser.yml",
			config: "builds:\n- ldflags: \"-s -w -X 'main.version=v{{ .Version }}' -X main.builtBy=goreleaser\"\n",
			want:   []string{"-s", "-w", "-X main.version=v${version}", "-X main.builtBy=goreleaser"},
		},
		"flow sequence": {
			file:   ".goreleaser.yaml",
			config: "builds:\n  - ldflags: ['-s', \"-w\", -X=main.Version={{.Version}}]\n",
			want:   []string{"-s", "-w", "-X main.Version=${version}"},
		},
		"block scalar": {
			file: ".goreleaser.yaml",
			config: `builds:
  - ldflags: >-
      -s -w
      -X main.version={{.Version}}
    goos: [linux]
`,
			want: []string{"-s", "-w", "-X main.version=${version}"},
		},
		"sequence at key indent": {
			file: ".goreleaser.yaml",
			config: `builds:
  - binary: x
    ldflags:
    - -s
    - -X "main.msg=hello world"
    goos:
    - linux
`,
			want: []string{"-s", "-X 'main.msg=hello world'"},
		},
		"dropped flags": {
			file: ".goreleaser.yaml",
			config: `builds:
  - ldflags:
      - -extldflags "-static"
      - -buildid=
      - -linkmode external
      - -X main.version={{ .Version | trimprefix "v" }}
      - -X main.env={{ .Env.FOO }}
      - -X main.home=$HOME
      - -X main.tag={{.Tag}}
`,
			want: []string{"-linkmode external"},
		},
		"several builds merge": {
			file: ".goreleaser.yaml",
			config: `builds:
  - id: a
    ldflags: -s -w -X main.version={{.Version}}
  - id: b
    ldflags:
      - -s
      - -X main.version={{.Version}}-b
      - -X main.name=b
`,
			want: []string{"-s", "-w", "-X main.version=${version}", "-X main.name=b"},
		},
		"no ldflags": {
			file:   ".goreleaser.yaml",
			config: "builds:\n  - main: ./cmd/x\n    ldflags_extra: x\n",
		},
		"no builds": {
			file:   ".goreleaser.yaml",
			config: "version: 2\nchangelog:\n  sort: asc\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := mapFS(map[string]string{"go.mod": "module example.com/x\n", tc.file: tc.config})
			p, err := Scan(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.Ldflags); diff != "" {
				t.Errorf("Ldflags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoreleaserMalformed(t *testing.T) {
	fsys := mapFS(map[string]string{"go.mod": "module example.com/x\n", ".goreleaser.yaml": "builds:\n  - ldflags: [\"-s\n"})
	_, err := Scan(fsys)
	if err == nil || !strings.HasPrefix(err.Error(), ".goreleaser.yaml:2: ") {
		t.Fatalf("Detect error = %v, want one at .goreleaser.yaml:2", err)
	}
}
