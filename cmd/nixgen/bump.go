package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/pins"
	"github.com/nixgen/nixgen/generator/resolve"
	"github.com/nixgen/nixgen/generator/sink"
)

func bumpCommand(stdout, stderr io.Writer) *cli.Command {
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
			&cli.StringFlag{Name: "rev", Usage: "move the pins to this commit, tag or branch (the files must pin one repository)"},
			&cli.BoolFlag{Name: "deps", Usage: "also refresh cargoLock.outputHashes (Cargo.lock) and vendorHash (go.sum)"},
			&cli.BoolFlag{Name: "check", Usage: "write nothing; exit 1 listing every stale value"},
			&cli.IntFlag{Name: "jobs", Value: resolve.DefaultJobs, Usage: "prefetch at most `N` sources at once"},
		}, prefetchFlags()...),
		Action: func(c *cli.Context) error {
			paths := c.Args().Slice()
			if len(paths) == 0 {
				paths = []string{"flake.nix"}
			}
			if c.IsSet("rev") && strings.TrimSpace(c.String("rev")) == "" {
				return diag.Inputf("--rev needs a value")
			}
			if c.Int("jobs") < 1 {
				return diag.Inputf("--jobs %d: want at least 1", c.Int("jobs"))
			}
			return runBump(bumpOptions{
				Paths: paths, Rev: c.String("rev"), Deps: c.Bool("deps"), Check: c.Bool("check"),
				Jobs: c.Int("jobs"), Prefetcher: c.String("prefetcher"), GitHubURL: c.String("github-url"),
				quiet: c.Bool("quiet"),
			}, stdout, stderr)
		},
	}
}

type bumpOptions struct {
	Paths                 []string
	Rev                   string
	Deps, Check           bool
	Jobs                  int
	Prefetcher, GitHubURL string
	quiet                 bool               // --quiet: no warnings or progress
	prefetcher            resolve.Prefetcher // tests: nil selects by Prefetcher
}

func runBump(o bumpOptions, stdout, stderr io.Writer) error {
	files := make([]pins.File, len(o.Paths))
	for i, p := range o.Paths {
		data, err := os.ReadFile(p)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, fs.ErrNotExist) {
				msg = "no such file"
			}
			return &diag.InputError{File: p, Msg: msg, Hint: "name the .nix files to bump: nixgen bump [FILE...]"}
		}
		files[i] = pins.File{Path: p, Data: data}
	}
	prefetcher := o.prefetcher
	if prefetcher == nil {
		var err error
		if prefetcher, err = resolve.Select(o.Prefetcher); err != nil {
			return err
		}
	}
	dir := filepath.Dir(o.Paths[0])
	var progress io.Writer
	if !o.quiet {
		progress = progressWriter(stderr)
	}
	res, err := pins.Bump(context.Background(), files, pins.Options{
		Rev: o.Rev, Deps: o.Deps, GitHubURL: o.GitHubURL,
		Prefetcher: prefetcher, Project: os.DirFS(dir), ProjectDir: dir,
		Jobs: o.Jobs, Progress: progress,
	})
	if err != nil {
		return err
	}
	if !o.quiet {
		for _, w := range res.Warnings {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
		if res.Pins == 0 && res.Deps == 0 {
			fmt.Fprintf(stderr, "warning: no fetchFromGitHub or fetchgit call to bump in %s\n", strings.Join(o.Paths, ", "))
		}
	}
	checked := fmt.Sprintf("%d %s", res.Pins, plural(res.Pins, "pin", "pins"))
	if o.Deps {
		checked += fmt.Sprintf(" and %d dependency %s", res.Deps, plural(res.Deps, "hash", "hashes"))
	}
	if o.Check {
		if err := res.Drift(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s up to date\n", checked)
		return nil
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(stdout, "%s up to date\n", checked)
		return nil
	}
	root, keyed, err := sinkPaths(res.Files)
	if err != nil {
		return err
	}
	if err := sink.Write(root, keyed, true); err != nil {
		return err
	}
	for _, ch := range res.Changes {
		fmt.Fprintln(stdout, ch)
	}
	for _, p := range o.Paths {
		if _, ok := res.Files[p]; ok {
			fmt.Fprintf(stdout, "updated %s\n", p)
		}
	}
	return nil
}

// sinkPaths keys files under one directory for sink.Write, which writes
// them all or none: the current directory when every file is inside it,
// else the file system root.
func sinkPaths(files map[string][]byte) (string, map[string][]byte, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	inside := map[string][]byte{}
	abs := map[string][]byte{}
	for p, data := range files {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", nil, err
		}
		abs[filepath.ToSlash(strings.TrimPrefix(a, string(filepath.Separator)))] = data
		if rel, err := filepath.Rel(wd, a); err == nil && filepath.IsLocal(rel) {
			inside[filepath.ToSlash(rel)] = data
		}
	}
	if len(inside) == len(files) {
		return ".", inside, nil
	}
	return string(filepath.Separator), abs, nil
}
