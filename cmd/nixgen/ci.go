package main

import (
	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator/render"
)

// ciFlags are init's flags for CI/CD scaffolding.
func ciFlags() []cli.Flag {
	return nil
}

// ciOptions reads ciFlags.
func ciOptions(c *cli.Context) (render.CIOptions, error) {
	return render.CIOptions{}, nil
}
