package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestSubmodules(t *testing.T) {
	p := &model.Project{
		Sources: []string{"proto/api.proto", "third_party"},
		Submodules: []model.Submodule{
			{Path: "docs/theme"},                                // not read, not checked out
			{Path: "libs/common", Build: true},                  // a member detection could not read
			{Path: "proto", CheckedOut: true},                   // holds a file the build reads
			{Path: "third_party/zstd", CheckedOut: true},        // inside a kept directory
			{Path: "tools/linter", CheckedOut: true},            // checked out, not read
			{Path: "vendor/sdk", CheckedOut: true, Build: true}, // a member in it
		},
	}
	warnings := submodules(p)
	var build []string
	for _, s := range p.Submodules {
		if s.Build {
			build = append(build, s.Path)
		}
	}
	if diff := cmp.Diff([]string{"libs/common", "proto", "third_party/zstd", "vendor/sdk"}, build); diff != "" {
		t.Errorf("read by the build (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"libs/common", "proto", "third_party", "vendor/sdk"}, p.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if len(warnings) != 2 ||
		!strings.HasPrefix(warnings[0], "docs/theme is a git submodule that is not checked out: nixgen did not read it") ||
		!strings.HasPrefix(warnings[1], "libs/common is a git submodule the build needs, and it is not checked out") {
		t.Errorf("warnings = %q", warnings)
	}
}
