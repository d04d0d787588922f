package main

import (
	"context"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

func initCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write flake.nix for a Rust or Go project",
		ArgsUsage: "[DIR]",
		Description: `Reads the project in DIR (default: the current directory) and writes flake.nix.
Nothing is asked: every choice has a default and a flag to override it, and
nixgen.toml records the choices so that a rerun makes the same ones.

Rust: one package per crate with binaries, apps for every binary, a devShell
with cargo, clippy, rustfmt and rust-analyzer, checks, and native libraries
inferred from Cargo.lock (openssl, sqlite, protobuf, ...). The builder is crane
for Cargo workspaces (the dependencies build once for all members) and
rustPlatform.buildRustPackage for a single crate; --builder overrides.

A project that looks like a network server (Rust: axum, actix-web, warp, rocket,
poem, tonic, ... among its dependencies; Go: net/http servers) also gets
nix/module.nix, exposed as nixosModules.default: services.NAME with a hardened
systemd unit, optional nginx or Caddy with HTTPS, and a VM test in checks.
--service and --no-service override that.

Examples:
   nixgen init                          # the project in the current directory
   nixgen init ../api --builder crane   # another directory, crane for a single crate
   nixgen init --dry-run                # print what would be written
   nixgen init --force --nixpkgs nixos-unstable`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "builder", Usage: "Rust builder: `crane` or rust-platform (default: crane for workspaces, rust-platform otherwise)"},
			&cli.StringFlag{Name: "nixpkgs", Usage: "nixpkgs `BRANCH` the flake follows (default: " + generator.DefaultChannel + ")"},
			&cli.StringFlag{Name: "bin", Usage: "`PACKAGE` to expose as packages.default (default: the root crate, or the only binary crate)"},
			&cli.BoolFlag{Name: "service", Usage: "write the NixOS module even if the project does not look like a server"},
			&cli.BoolFlag{Name: "no-service", Usage: "write no NixOS module (libraries and command-line tools)"},
			&cli.StringFlag{Name: "vendor-hash", Usage: "Go: `fake` writes lib.fakeHash instead of computing vendorHash with go mod vendor"},
			&cli.IntFlag{Name: "port", Usage: "the service's default `PORT` (default: detected from the source, else 8080)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite files that already exist"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the files instead of writing them"},
			&cli.BoolFlag{Name: "diff", Usage: "show a unified diff of what would change, and write nothing"},
		}, append(ciFlags(), srcFlags()...)...),
		Action: func(c *cli.Context) error {
			o, err := newInitOptions(c, u)
			if err != nil {
				return err
			}
			return runInit(c.Context, o, u)
		},
	}
}

// ciFlags are init's flags for CI/CD scaffolding.
func ciFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "cachix", Usage: "write .github/workflows/nix.yml, with the Cachix cache `NAME` (pushes from main only)"},
		&cli.StringFlag{Name: "deploy-repo", Usage: "after a green build of main, send a repository_dispatch to the NixOS configuration `OWNER/REPO` (see nixgen host)"},
		&cli.StringFlag{Name: "pin-actions", Usage: "pin GitHub Actions by major tag (owner/action@v7) or by commit sha: `tag|sha` (default: tag)"},
		&cli.StringFlag{Name: "target", Usage: "NixOS hosts, or plain: a release binary, a hardened unit and deploy/setup.sh for hosts without Nix: `nix|plain` (default: nix)"},
		&cli.StringFlag{Name: "systems", Usage: "comma-separated Nix `SYSTEMS` nix.yml builds, each on a native runner: x86_64-linux, aarch64-linux, aarch64-darwin (or darwin), x86_64-darwin (default: x86_64-linux)"},
	}
}

// srcFlags are init's flags for a pinned source.
func srcFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "src", Usage: "take the source from a remote at one commit instead of the local tree: `github` (owner and repo from the origin remote), github:OWNER/REPO, git (origin's URL, pkgs.fetchgit), git:URL, or local"},
		&cli.StringFlag{Name: "rev", Usage: "with --src: the commit, tag or branch to pin, as `REV` (default: the head of the remote's default branch); a vX.Y.Z tag also gives a Go flake its version"},
		&cli.BoolFlag{Name: "prefetch-deps", Usage: "fill cargoLock.outputHashes of Cargo git dependencies by prefetching them (always done with --src)"},
	}, prefetchFlags()...)
}

// prefetchFlags choose how sources are prefetched; init and bump share them.
func prefetchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "prefetcher", Usage: "`auto` (nix-prefetch-git when on PATH, else native), nix-prefetch-git, or native (git and nixgen's own NAR hash, no Nix needed) (default: auto)"},
		&cli.StringFlag{Name: "github-url", EnvVars: []string{"NIXGEN_GITHUB_URL"}, Usage: "fetch GitHub repositories from `BASE`/OWNER/REPO instead of https://github.com (a mirror, GitHub Enterprise, a directory for offline tests); the Nix written still names GitHub"},
	}
}

// initOptions are init's flags and argument.
type initOptions struct {
	generator.InitOptions
}

func newInitOptions(c *cli.Context, u *ui) (initOptions, error) {
	dir, err := dirArg(c, "init")
	if err != nil {
		return initOptions{}, err
	}
	if err := needValues(c, "cachix", "deploy-repo", "pin-actions", "target", "systems", "src", "rev", "prefetcher"); err != nil {
		return initOptions{}, err
	}
	o := initOptions{generator.InitOptions{
		Dir: dir, Force: c.Bool("force"), Progress: u.progress(),
		Choices: generator.Choices{
			Builder: c.String("builder"), Nixpkgs: c.String("nixpkgs"), Bin: c.String("bin"),
			Port: c.Int("port"), VendorHash: c.String("vendor-hash"),
			Cachix: c.String("cachix"), DeployRepo: c.String("deploy-repo"),
			PinActions: c.String("pin-actions"), Target: c.String("target"),
			Src: c.String("src"), Rev: c.String("rev"), PrefetchDeps: c.Bool("prefetch-deps"),
			Prefetcher: c.String("prefetcher"), GitHubURL: c.String("github-url"),
		},
	}}
	switch {
	case c.Bool("service") && c.Bool("no-service"):
		return o, generator.Usagef("--service and --no-service contradict each other")
	case c.Bool("service"):
		o.Choices.Service = generator.ServiceOn
	case c.Bool("no-service"):
		o.Choices.Service = generator.ServiceOff
	}
	switch {
	case c.Bool("dry-run") && c.Bool("diff"):
		return o, generator.Usagef("--dry-run and --diff contradict each other")
	case c.Bool("dry-run"):
		o.Mode = generator.DryRun
	case c.Bool("diff"):
		o.Mode = generator.Diff
	}
	if c.IsSet("systems") {
		o.Choices.Systems = []string{}
		for _, s := range strings.Split(c.String("systems"), ",") {
			s = strings.TrimSpace(s)
			if s == "darwin" {
				s = "aarch64-darwin"
			}
			if s != "" && !contains(o.Choices.Systems, s) {
				o.Choices.Systems = append(o.Choices.Systems, s)
			}
		}
	}
	return o, nil
}

func runInit(ctx context.Context, o initOptions, u *ui) error {
	rep, err := generator.Init(ctx, o.InitOptions)
	if err != nil {
		return err
	}
	u.report(rep)
	switch o.Mode {
	case generator.DryRun:
		return generator.PrintFiles(u.out, rep.Files)
	case generator.Diff:
		if len(rep.Diffs) == 0 {
			u.resultf("no changes\n")
		}
		for _, d := range rep.Diffs {
			u.out.Write(d.Unified)
		}
		return nil
	}
	u.infof("detected %s\n", rep.Summary)
	for _, p := range rep.Written {
		u.infof("wrote %s\n", generator.DisplayPath(o.Dir, p))
	}
	for _, k := range rep.Kept {
		u.infof("kept %s (%s)\n", generator.DisplayPath(o.Dir, k.Path), k.Why)
	}
	u.infof(`
next:
  git add %s     # flakes only see files git tracks
  nix flake check       # build the packages and run the checks
  nix run               # start %s
  nix develop           # a shell with the toolchain
`, strings.Join(rep.Written, " "), rep.Program)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
