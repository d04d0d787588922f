package main

import (
	"encoding/json"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

func inspectCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "print what nixgen reads in a project's source, as JSON",
		ArgsUsage: "[DIR]",
		Description: `Detects the project in DIR (default: the current directory) the way init does,
and prints what it found as JSON: the packages, the default one, whether it
serves, and its runtime surface read from the source: each listener with its
default host and port and the variable or flag that sets it, the serving
subcommand, the environment variables it reads (required, secret, default),
the health route, and what could not be read, each with file:line. Nothing
runs and nothing is written. init --verbose prints the same, one line each.

Examples:
   nixgen inspect
   nixgen inspect ../api --bin api-server | jq .surface.listeners`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bin", Usage: "`PACKAGE` to inspect instead of the default"},
		},
		Action: func(c *cli.Context) error {
			dir, err := dirArg(c, "inspect")
			if err != nil {
				return err
			}
			in, err := generator.Inspect(c.Context, dir, generator.Choices{Bin: c.String("bin")})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(u.out)
			enc.SetIndent("", "  ")
			return enc.Encode(in)
		},
	}
}
