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
rustPlatform.buildRustPackage for a single crate; --builder overrides. Features
are chosen where the defaults cannot build (a compile_error! guard, a download
in build.rs), and tests that need the network, Docker or a database are
skipped by name: nixgen.toml's features, no-default-features and skip-tests
record both.

Go: one package per command (not examples, test programs or plugins), with
the tags and -X flags of the release build (goreleaser, Makefile, Dockerfile,
workflows) and the C libraries of #cgo lines. A //go:embed of files a build
step outside Go makes (a UI bundle) stops init, naming that step, until
nixgen.toml's [go] embed-provided lists the path.

A project that looks like a network server (Rust: axum, actix-web, warp, rocket,
poem, tonic, ... among its dependencies; Go: net/http servers) also gets
nix/module.nix, exposed as nixosModules.default: services.NAME with a hardened
systemd unit, optional nginx or Caddy with HTTPS, and a VM test in checks.
--service and --no-service override that. The module has options for every
listener the source shows, asserts the settings the program stops without,
creates the PostgreSQL, MySQL or Redis it needs (database.createLocally,
redis.createLocally) and the keys only it uses (generateSecrets), and types the
settings keys whose defaults it read. What nixgen read is in nixgen.toml's [service]
(subcommand, required, [[service.listener]]): correct a misreading there and
rerun with --force; ` + "`nixgen inspect`" + ` shows it with file:line.

Examples:
   nixgen init                          # the project in the current directory
   nixgen init ../api --builder crane   # another directory, crane for a single crate
   nixgen init --dry-run                # print what would be written
   nixgen init --force --nixpkgs nixos-unstable`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "builder", Usage: "the Rust `BUILDER`: crane or rust-platform", DefaultText: "crane for workspaces, rust-platform otherwise"},
			&cli.StringFlag{Name: "nixpkgs", Usage: "the nixpkgs `BRANCH` the flake follows", DefaultText: generator.DefaultChannel},
			&cli.StringFlag{Name: "bin", Usage: "the `PACKAGE` to expose as packages.default", DefaultText: "the root crate, or the only binary crate"},
			&cli.BoolFlag{Name: "service", Usage: "write the NixOS module even if the project does not look like a server"},
			&cli.BoolFlag{Name: "no-service", Usage: "write no NixOS module (libraries and command-line tools)"},
			&cli.StringFlag{Name: "vendor-hash", Usage: "Go: how vendorHash is written, `MODE`: fake (lib.fakeHash, to replace by hand)", DefaultText: "computed with go mod vendor"},
			&cli.IntFlag{Name: "port", Usage: "the main listener's default `PORT` (services.NAME.port)", DefaultText: "detected from the source, else 8080 with a warning"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite files that already exist"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the files instead of writing them"},
			&cli.BoolFlag{Name: "diff", Usage: "show a unified diff of what would change, and write nothing"},
			&cli.StringFlag{Name: "flake-systems", Usage: "comma-separated Nix `SYSTEMS` the flake exposes, from " + strings.Join(generator.Systems, ", ") + " (darwin: aarch64-darwin); it always adds those of --systems", DefaultText: strings.Join(generator.FlakeSystems, ",")},
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
		&cli.StringFlag{Name: "pin-actions", Usage: "pin GitHub Actions by `MODE`: tag (owner/action@v7, the major release) or sha (a commit)", DefaultText: "tag"},
		&cli.StringFlag{Name: "target", Usage: "where the service runs, `TARGET`: nix (NixOS hosts) or plain (a release binary, a hardened unit and deploy/setup.sh for hosts without Nix)", DefaultText: "nix"},
		&cli.StringFlag{Name: "systems", Usage: "comma-separated Nix `SYSTEMS` nix.yml builds, each on a native runner, from " + strings.Join(generator.Systems, ", ") + " (darwin: aarch64-darwin)", DefaultText: generator.DefaultCISystem},
		&cli.StringFlag{Name: "container", Usage: "with --target plain: the container `IMAGE` the binary is built in, the hosts' OS with apt-get (Ubuntu or Debian)", DefaultText: generator.DefaultContainer},
	}
}

// srcFlags are init's flags for a pinned source.
func srcFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "src", Usage: "take the `SOURCE` from a remote at one commit instead of the local tree: github (owner and repo from the origin remote), github:OWNER/REPO, git (origin's URL, pkgs.fetchgit), git:URL, or local", DefaultText: "local"},
		&cli.StringFlag{Name: "rev", Usage: "with --src: the commit, tag or branch `REV` to pin; a vX.Y.Z tag also gives a Go flake its version", DefaultText: "the head of the remote's default branch"},
		&cli.BoolFlag{Name: "prefetch-deps", Usage: "fill cargoLock.outputHashes of Cargo git dependencies by prefetching them (always done with --src)"},
	}, prefetchFlags()...)
}

// prefetchFlags choose how sources are prefetched; init and bump share them.
func prefetchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "prefetcher", Usage: "how sources are prefetched, `HOW`: auto (nix-prefetch-git when on PATH, else native), nix-prefetch-git, or native (git and nixgen's own NAR hash, no Nix needed)", DefaultText: "auto"},
		&cli.StringFlag{Name: "github-url", EnvVars: []string{"NIXGEN_GITHUB_URL"}, Usage: "fetch GitHub repositories from `BASE`/OWNER/REPO (a mirror, GitHub Enterprise, a directory for offline tests); the Nix written still names GitHub", DefaultText: "https://github.com"},
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
	if err := needValues(c, "cachix", "deploy-repo", "pin-actions", "target", "systems", "flake-systems", "container", "src", "rev", "prefetcher"); err != nil {
		return initOptions{}, err
	}
	o := initOptions{generator.InitOptions{
		Dir: dir, Force: c.Bool("force"), Progress: u.progress(),
		Choices: generator.Choices{
			Builder: c.String("builder"), Nixpkgs: c.String("nixpkgs"), Bin: c.String("bin"),
			Port: c.Int("port"), VendorHash: c.String("vendor-hash"),
			Cachix: c.String("cachix"), DeployRepo: c.String("deploy-repo"),
			PinActions: c.String("pin-actions"), Target: c.String("target"), Container: c.String("container"),
			Src: c.String("src"), Rev: c.String("rev"), PrefetchDeps: c.Bool("prefetch-deps"),
			Prefetcher: c.String("prefetcher"), GitHubURL: c.String("github-url"),
			Nixgen: u.nixgen,
			Rehash: c.Bool("rehash"),
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
		o.Choices.Systems = systemsList(c.String("systems"))
	}
	if c.IsSet("flake-systems") {
		o.Choices.FlakeSystems = systemsList(c.String("flake-systems"))
	}
	return o, nil
}

// systemsList reads a comma-separated list of Nix systems, with darwin
// standing for aarch64-darwin; nixgen validates the names.
func systemsList(list string) []string {
	systems := []string{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "darwin" {
			s = "aarch64-darwin"
		}
		if s != "" && !contains(systems, s) {
			systems = append(systems, s)
		}
	}
	return systems
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
	for _, p := range rep.Removed {
		u.infof("removed %s (no longer generated)\n", generator.DisplayPath(o.Dir, p))
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
