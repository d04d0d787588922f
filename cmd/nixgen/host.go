package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

func hostCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:      "host",
		Usage:     "write a NixOS configuration that runs an app's module on HOST, deployed with deploy-rs",
		ArgsUsage: "HOST",
		Description: `Writes, in the NixOS configuration repository (the current directory, or --dir):

  flake.nix                     the app flake as an input; nixosConfigurations.HOST
                                importing its NixOS module with services.NAME.enable;
                                deploy.nodes.HOST for deploy-rs (magic rollback);
                                checks from deploy-rs's deployChecks
  hosts/HOST/configuration.nix  hardware, boot and SSH keys to fill in: written
                                only when missing, then yours; its assertion
                                stops builds until it is filled in
  .github/workflows/deploy.yml  on repository_dispatch from the app's CI (see
                                nixgen init --deploy-repo) or by hand: update
                                the app's lock entry, build, commit flake.lock,
                                deploy with deploy-rs

The service name is read from the app's nix/module.nix when --app is a local
path; otherwise pass --service.

Examples:
   nixgen host web1 --app github:example/greeter --service greeter --hostname web1.example.org
   nixgen host web1 --app ../greeter --hostname 203.0.113.10 --cachix greeter \
       --cachix-key greeter.cachix.org-1:AAAA...=`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "app", Usage: "the app's flake `FLAKEREF` (github:OWNER/REPO), or a local path to read its service name from"},
			&cli.StringFlag{Name: "hostname", Usage: "the `ADDR`ess deploy-rs connects to over SSH"},
			&cli.StringFlag{Name: "service", Usage: "the app's services.`NAME`", DefaultText: "read from a local --app"},
			&cli.StringFlag{Name: "ssh-user", Usage: "the `USER` deploy-rs logs in as; another user than root gets passwordless sudo", DefaultText: generator.DefaultSSHUser},
			&cli.StringFlag{Name: "system", Usage: "the host's Nix `SYSTEM`: x86_64-linux or aarch64-linux", DefaultText: generator.DefaultSystem},
			&cli.StringFlag{Name: "nixpkgs", Usage: "the nixpkgs `BRANCH` of the configuration", DefaultText: generator.DefaultChannel},
			&cli.StringFlag{Name: "cachix", Usage: "substitute from the Cachix cache `NAME` on the host and in the deploy workflow"},
			&cli.StringFlag{Name: "cachix-key", Usage: "the cache's public signing `KEY` (NAME.cachix.org-1:...), which the host trusts"},
			&cli.StringFlag{Name: "pin-actions", Usage: "pin GitHub Actions by `MODE`: tag (the major release) or sha (a commit)", DefaultText: "tag"},
			&cli.StringFlag{Name: "dir", Usage: "the configuration repository's directory, `DIR`", DefaultText: "the current directory"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite flake.nix and the workflow (never hosts/HOST/configuration.nix)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the files instead of writing them"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return generator.Usagef("host takes one host name, got %d arguments: nixgen host HOST --app FLAKEREF --hostname ADDR", c.NArg())
			}
			return runHost(generator.HostOptions{
				Host: c.Args().First(), App: c.String("app"), Hostname: c.String("hostname"),
				Service: c.String("service"), SSHUser: c.String("ssh-user"), System: c.String("system"),
				Channel: c.String("nixpkgs"), Cachix: c.String("cachix"), CachixKey: c.String("cachix-key"),
				PinActions: c.String("pin-actions"), Dir: c.String("dir"),
				Force: c.Bool("force"), DryRun: c.Bool("dry-run"),
			}, u)
		},
	}
}

func runHost(o generator.HostOptions, u *ui) error {
	rep, err := generator.Host(o)
	if err != nil {
		return err
	}
	u.report(&rep.Report)
	if o.DryRun {
		return generator.PrintFiles(u.out, rep.Files)
	}
	for _, p := range rep.Written {
		u.infof("wrote %s\n", generator.DisplayPath(o.Dir, p))
	}
	for _, k := range rep.Kept {
		u.infof("kept %s (%s)\n", generator.DisplayPath(o.Dir, k.Path), k.Why)
	}
	u.infof(`
next:
  edit %s: hardware, boot, SSH key; then delete its assertion
  git add %s && nix flake lock
  set the secrets DEPLOY_SSH_KEY and DEPLOY_KNOWN_HOSTS of the GitHub environment %s
  in the app: nixgen init --deploy-repo OWNER/REPO (it sends %s)
`, rep.Configuration, strings.Join(rep.Files.Paths(), " "), rep.Environment, rep.Event)
	return nil
}
