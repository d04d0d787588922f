package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/render"
)

// ciFlags are init's flags for CI/CD scaffolding.
func ciFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "cachix", Usage: "write .github/workflows/nix.yml, with the Cachix cache `NAME` (pushes from main only)"},
		&cli.StringFlag{Name: "deploy-repo", Usage: "after a green build of main, send a repository_dispatch to the NixOS configuration `OWNER/REPO` (see nixgen host)"},
		&cli.StringFlag{Name: "pin-actions", Usage: "pin GitHub Actions by major `tag` (owner/action@v7) or by commit sha (default: tag)"},
		&cli.StringFlag{Name: "target", Usage: "`nix` (NixOS hosts) or plain: a release binary, a hardened unit and deploy/setup.sh for hosts without Nix (default: nix)"},
		&cli.StringFlag{Name: "systems", Usage: "comma-separated Nix `SYSTEMS` nix.yml builds, each on a native runner: x86_64-linux, aarch64-linux, aarch64-darwin (or darwin), x86_64-darwin (default: x86_64-linux)"},
	}
}

// ciOptions reads ciFlags.
func ciOptions(c *cli.Context) (render.CIOptions, error) {
	o := render.CIOptions{
		Cachix:     c.String("cachix"),
		DeployRepo: c.String("deploy-repo"),
		PinActions: c.String("pin-actions"),
		Target:     c.String("target"),
	}
	for _, name := range []string{"cachix", "deploy-repo", "pin-actions", "target", "systems"} {
		if c.IsSet(name) && strings.TrimSpace(c.String(name)) == "" {
			return o, diag.Inputf("--%s needs a value", name)
		}
	}
	if c.IsSet("systems") {
		for _, s := range strings.Split(c.String("systems"), ",") {
			s = strings.TrimSpace(s)
			if s == "darwin" {
				s = "aarch64-darwin"
			}
			if s != "" && !contains(o.Systems, s) {
				o.Systems = append(o.Systems, s)
			}
		}
	}
	// Whether a workflow is written depends on nixgen.toml too, so
	// --pin-actions alone is not an error: it is recorded for later.
	if err := o.Validate(); err != nil {
		return o, err
	}
	return o, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
