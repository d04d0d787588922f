package main

import (
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/resolve"
)

// srcFlags are init's flags for a pinned source.
func srcFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "src", Usage: "take the source from a remote at one commit instead of the local tree: `github` (owner and repo from the origin remote), github:OWNER/REPO, git (origin's URL, pkgs.fetchgit) or git:URL"},
		&cli.StringFlag{Name: "rev", Usage: "with --src: the commit, tag or branch to pin, as `REV` (default: the head of the remote's default branch); a vX.Y.Z tag also gives a Go flake its version"},
		&cli.BoolFlag{Name: "prefetch-deps", Usage: "fill cargoLock.outputHashes of Cargo git dependencies by prefetching them (always done with --src)"},
	}, prefetchFlags()...)
}

// prefetchFlags choose how sources are prefetched; init and bump share them.
func prefetchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "prefetcher", Value: resolve.PrefetchAuto, Usage: "`auto` (nix-prefetch-git when on PATH, else native), nix-prefetch-git, or native (git and nixgen's own NAR hash, no Nix needed)"},
		&cli.StringFlag{Name: "github-url", EnvVars: []string{"NIXGEN_GITHUB_URL"}, Usage: "fetch GitHub repositories from `BASE`/OWNER/REPO instead of https://github.com (a mirror, GitHub Enterprise, a directory for offline tests); the Nix written still names GitHub"},
	}
}

// srcOptions reads srcFlags.
func srcOptions(c *cli.Context) (generator.Src, error) {
	s := generator.Src{
		Rev:          c.String("rev"),
		GitHubURL:    c.String("github-url"),
		Prefetcher:   c.String("prefetcher"),
		PrefetchDeps: c.Bool("prefetch-deps"),
		Progress:     progressWriter(c.App.ErrWriter),
	}
	for _, name := range []string{"src", "rev", "prefetcher"} {
		if c.IsSet(name) && strings.TrimSpace(c.String(name)) == "" {
			return s, diag.Inputf("--%s needs a value", name)
		}
	}
	if _, err := resolve.Select(s.Prefetcher); err != nil && diag.ExitCode(err) == diag.ExitInput {
		return s, err
	}
	kind, arg, _ := strings.Cut(c.String("src"), ":")
	switch kind {
	case "", "local":
		if arg != "" {
			return s, diag.Inputf("--src local takes no argument")
		}
		if s.Rev != "" {
			return s, diag.Inputf("--rev pins a remote source: add --src github or --src git")
		}
		if kind == "local" {
			s.Kind = generator.SrcLocalExplicit
		}
		return s, nil
	case generator.SrcGitHub:
		s.Kind = kind
		if arg != "" {
			owner, repo, ok := strings.Cut(arg, "/")
			if !ok || owner == "" || repo == "" || strings.ContainsAny(repo, "/ ") || strings.ContainsAny(owner, " ") {
				return s, diag.Inputf("--src github:%s: want github:OWNER/REPO", arg)
			}
			s.Owner, s.Repo = owner, strings.TrimSuffix(repo, ".git")
		}
	case generator.SrcGit:
		s.Kind = kind
		s.URL = strings.TrimPrefix(c.String("src"), "git:")
		if arg == "" {
			s.URL = ""
		}
	default:
		return s, diag.Inputf("--src %q: want github, github:OWNER/REPO, git, git:URL or local", c.String("src"))
	}
	return s, nil
}

// progressWriter is w when it is a terminal, for progress lines; nil
// otherwise, so logs and tests stay quiet.
func progressWriter(w io.Writer) io.Writer {
	if isTerminal(w) {
		return w
	}
	return nil
}
