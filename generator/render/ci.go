package render

import "github.com/nixgen/nixgen/generator/model"

// CIOptions choose the CI/CD scaffolding `nixgen init` writes besides the
// flake. The zero value writes none.
type CIOptions struct {
	Cachix     string // Cachix cache name: writes .github/workflows/nix.yml
	DeployRepo string // OWNER/REPO of the NixOS configuration to notify
	PinActions string // "tag" (default) or "sha"
	Target     string // "nix" (default) or "plain": hosts without Nix
}

// Enabled reports whether any CI/CD file is asked for.
func (o CIOptions) Enabled() bool {
	return o.Cachix != "" || o.DeployRepo != "" || o.Target == "plain"
}

// CI renders the workflows and deployment files for p. It is filled in by
// the CI/CD work; until then it writes nothing.
func CI(p *model.Project, opts CIOptions) (Files, []string, error) {
	return Files{}, nil, nil
}
