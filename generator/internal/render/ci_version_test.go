package render

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// TestNixWorkflowPinsNixgen: the generated job runs the nixgen that wrote
// the workflow, or @latest with a comment asking for a pin when that
// nixgen has no version go run can fetch.
func TestNixWorkflowPinsNixgen(t *testing.T) {
	env := func(t *testing.T, nixgen string) (string, string) {
		t.Helper()
		files, _, err := CI(serviceProject(model.Go, 8080), model.CI{Cachix: "c", Nixgen: nixgen})
		if err != nil {
			t.Fatal(err)
		}
		out := string(files[".github/workflows/nix.yml"])
		var doc struct {
			Jobs map[string]struct {
				Env map[string]string `yaml:"env"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return doc.Jobs["generated"].Env["NIXGEN"], out
	}
	if got, out := env(t, "v1.4.2"); got != "github.com/nixgen/nixgen/cmd/nixgen@v1.4.2" || strings.Contains(out, "@latest") {
		t.Errorf("NIXGEN = %q for nixgen v1.4.2:\n%s", got, out)
	}
	got, out := env(t, "")
	if got != "github.com/nixgen/nixgen/cmd/nixgen@latest" {
		t.Errorf("NIXGEN = %q for a development build", got)
	}
	if !strings.Contains(out, "# Written by a development build of nixgen: pin a release") {
		t.Errorf("no comment asks to pin a release:\n%s", out)
	}
	// The version is data: whatever it holds stays one YAML string.
	if got, _ := env(t, "v1.0.0\n    evil: ${{ secrets.X }}"); got != "github.com/nixgen/nixgen/cmd/nixgen@v1.0.0\n    evil: ${{ '${{' }} secrets.X }}" {
		t.Errorf("a hostile version reads back as %q", got)
	}
}
