package main

import (
	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

func checkCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "fail when generated files differ from what nixgen would write now",
		ArgsUsage: "[DIR]",
		Description: `Regenerates every file in memory from nixgen.toml and the project, and compares
them with the files on disk. Exit 0 when they are equal; exit 1 with a unified
diff per file when not, or when a file nixgen wrote before no longer belongs
(nixgen.toml lists what it generated). Files listed as owned in nixgen.toml
are skipped. A Go project's vendorHash is reused while go.mod, go.sum and the
replaced modules are unchanged, so check runs no go command then; --rehash
recomputes it.
Run it in CI so a dependency bump that changes the generated files fails the
pull request until ` + "`nixgen init --force`" + ` is run and the diff reviewed.

Example:
   nixgen check && echo up to date
   nixgen check --rehash        # also recompute Go's vendorHash`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "rehash", Usage: "recompute Go's vendorHash even when go.mod and go.sum did not change"},
		},
		Action: func(c *cli.Context) error {
			dir, err := dirArg(c, "check")
			if err != nil {
				return err
			}
			return runCheck(c, dir, u)
		},
	}
}

func runCheck(c *cli.Context, dir string, u *ui) error {
	rep, err := generator.Check(c.Context, generator.CheckOptions{Dir: dir, Rehash: c.Bool("rehash"), Progress: u.progress(), Nixgen: u.nixgen})
	if rep != nil {
		u.report(rep)
		for _, d := range rep.Diffs {
			u.out.Write(d.Unified)
		}
	}
	if err != nil {
		return err
	}
	u.infof("%d generated files up to date\n", rep.Compared)
	return nil
}
