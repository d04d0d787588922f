package main

import (
	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

func bumpCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:      "bump",
		Usage:     "update the rev and hash of every fetchFromGitHub and fetchgit pin",
		ArgsUsage: "[FILE...]",
		Description: `Finds every pkgs.fetchFromGitHub and pkgs.fetchgit call in FILE (default:
flake.nix), in flakes nixgen wrote and in hand-written package files alike,
prefetches where each pin should point, and rewrites exactly the bytes of the
values that changed: rev (or tag), hash (or sha256, kept in its form), and the
version a tag names. Comments, layout and everything else stay as they were.

Where each pin moves, unless --rev says:
   rev = "v${version}"   (also tag = "v${version}" and rev = version)
                         the newest release tag of that form; version = "..."
                         changes and rev stays as written
   rev = "v1.2.0"        the newest release tag of that form
   rev = "main"          stays on that branch (or tag); only the hash changes
   rev = "<commit>"      the head of the remote's default branch; a version
                         "0-unstable-YYYY-MM-DD" beside it follows the commit

--deps also refreshes the dependency hashes that follow from the project's lock
files (in the directory of the first FILE): cargoLock.outputHashes from
Cargo.lock (missing entries added) and Go's vendorHash from go.mod and go.sum.

Prefetching runs nix-prefetch-git when it is on PATH, else git and nixgen's own
NAR hash (--prefetcher). Several pins are fetched at once. Nothing is written
unless every prefetch succeeded: a failure leaves every file as it was and
exits 3 with the command that failed and its output.

Exit codes: 0 up to date or updated, 1 --check found stale values, 2 bad usage
or a file nixgen cannot read, 3 git, nix-prefetch-git, go or the network failed.

Examples:
   nixgen bump                           # every pin in flake.nix
   nixgen bump --rev v2.1.0 package.nix  # one pin, to a tag
   nixgen bump --deps                    # pins, outputHashes and vendorHash
   nixgen bump --check --deps            # in CI: exit 1 and list what is stale
   NIXGEN_GITHUB_URL=https://mirror.example.org nixgen bump`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "rev", Usage: "move the pins to the commit, tag or branch `REV` (the files must pin one repository)"},
			&cli.BoolFlag{Name: "deps", Usage: "also refresh cargoLock.outputHashes (Cargo.lock) and vendorHash (go.sum)"},
			&cli.BoolFlag{Name: "check", Usage: "write nothing; exit 1 listing every stale value"},
			&cli.IntFlag{Name: "jobs", Value: generator.DefaultJobs, Usage: "prefetch at most `N` sources at once"},
		}, prefetchFlags()...),
		Action: func(c *cli.Context) error {
			if err := needValues(c, "rev", "prefetcher"); err != nil {
				return err
			}
			return runBump(c, generator.BumpOptions{
				Paths: c.Args().Slice(), Rev: c.String("rev"), Deps: c.Bool("deps"), Check: c.Bool("check"),
				Jobs: c.Int("jobs"), Prefetcher: c.String("prefetcher"), GitHubURL: c.String("github-url"),
				Progress: u.progress(),
			}, u)
		},
	}
}

func runBump(c *cli.Context, o generator.BumpOptions, u *ui) error {
	rep, err := generator.Bump(c.Context, o)
	if rep != nil {
		for _, w := range rep.Warnings {
			u.warnf("%s", w)
		}
	}
	if err != nil {
		return err
	}
	for _, ch := range rep.Changes {
		u.resultf("%s\n", ch)
	}
	for _, p := range rep.Updated {
		u.resultf("updated %s\n", p)
	}
	if len(rep.Updated) == 0 {
		u.resultf("%s up to date\n", rep.Checked)
	}
	return nil
}
