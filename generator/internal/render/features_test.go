package render

import (
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// TestFeatureArgs: how each builder is told the features, in a single
// crate and in a workspace, where Cargo takes "package/feature" for the
// packages a command selects and has no "package/dependency/feature".
func TestFeatureArgs(t *testing.T) {
	workspace := func() *model.Project {
		return &model.Project{
			Language: model.Rust, Name: "api", Version: "1.0.0", Default: "api",
			Packages: []model.Package{
				{Name: "api", Dir: "api", Version: "1.0.0", Binaries: []string{"api"}, MainProgram: "api", Features: []string{"redis/tls", "sqlite"}},
				{Name: "tool", Dir: "tool", Version: "1.0.0", Binaries: []string{"tool"}, MainProgram: "tool"},
			},
			Rust: &model.RustInfo{Workspace: true, NoDefaultFeatures: true},
		}
	}
	single := func() *model.Project {
		p := rustCrate()
		p.Packages[0].Features = []string{"redis/tls"}
		p.Rust.Nextest = false
		return p
	}
	for _, tc := range []struct {
		name    string
		p       *model.Project
		builder model.Builder
		want    []string
	}{
		{"crane workspace", workspace(), model.Crane, []string{
			`cargoExtraArgs = "--locked --workspace --no-default-features --features api/sqlite";`,
			`cargoExtraArgs = "--locked -p api --no-default-features --features redis/tls,sqlite";`,
			`cargoExtraArgs = "--locked -p tool --no-default-features";`,
		}},
		{"rust-platform workspace", workspace(), model.RustPlatform, []string{
			"buildNoDefaultFeatures = true;",
			`buildFeatures = [
                "redis/tls"
                "sqlite"
              ];`,
		}},
		{"crane crate, a dependency's feature", single(), model.Crane, []string{
			`cargoExtraArgs = "--locked --features redis/tls";`,
		}},
		{"rust-platform crate", single(), model.RustPlatform, []string{`buildFeatures = [ "redis/tls" ];`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, _, err := Rust(tc.p, Options{Builder: tc.builder, Channel: model.DefaultChannel})
			if err != nil {
				t.Fatal(err)
			}
			flake := string(files["flake.nix"])
			for _, w := range tc.want {
				if !strings.Contains(flake, w) {
					t.Errorf("flake.nix lacks %s:\n%s", w, flake)
				}
			}
		})
	}
}
