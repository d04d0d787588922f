package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/host"
	"github.com/nixgen/nixgen/generator/render"
	"github.com/nixgen/nixgen/generator/sink"
)

func hostCommand(stdout, stderr io.Writer) *cli.Command {
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
			&cli.StringFlag{Name: "service", Usage: "the app's services.`NAME` (default: read from a local --app)"},
			&cli.StringFlag{Name: "ssh-user", Usage: "the `USER` deploy-rs logs in as; another user than root gets passwordless sudo (default: " + host.DefaultSSHUser + ")"},
			&cli.StringFlag{Name: "system", Usage: "the host's Nix `SYSTEM`: x86_64-linux or aarch64-linux (default: " + host.DefaultSystem + ")"},
			&cli.StringFlag{Name: "nixpkgs", Usage: "nixpkgs `BRANCH` of the configuration (default: " + render.DefaultChannel + ")"},
			&cli.StringFlag{Name: "cachix", Usage: "substitute from the Cachix cache `NAME` on the host and in the deploy workflow"},
			&cli.StringFlag{Name: "cachix-key", Usage: "the cache's public signing `KEY` (NAME.cachix.org-1:...), which the host trusts"},
			&cli.StringFlag{Name: "pin-actions", Usage: "pin GitHub Actions by major `tag` or by commit sha (default: tag)"},
			&cli.StringFlag{Name: "dir", Value: ".", Usage: "the configuration repository's `DIR`ectory"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite flake.nix and the workflow (never hosts/HOST/configuration.nix)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the files instead of writing them"},
		},
		Action: func(c *cli.Context) error {
			args, flags, err := interspersed(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return diag.Inputf("host takes one host name, got %d arguments: nixgen host HOST --app FLAKEREF --hostname ADDR", len(args))
			}
			return runHost(hostOptions{
				Force: flags.bool("force"), DryRun: flags.bool("dry-run"),
				Options: host.Options{
					Host: args[0], App: flags.string("app"), Hostname: flags.string("hostname"),
					Service: flags.string("service"), SSHUser: flags.string("ssh-user"), System: flags.string("system"),
					Channel: flags.string("nixpkgs"), Cachix: flags.string("cachix"), CachixKey: flags.string("cachix-key"),
					PinActions: flags.string("pin-actions"), Dir: flags.string("dir"),
				},
			}, stdout, stderr)
		},
	}
}

// parsedFlags reads a flag from the arguments after the first positional
// one when it was given there, else from the context.
type parsedFlags struct {
	c     *cli.Context
	after *flag.FlagSet
	set   map[string]bool
}

func (f parsedFlags) string(name string) string {
	if f.set[name] {
		return f.after.Lookup(name).Value.String()
	}
	return f.c.String(name)
}

func (f parsedFlags) bool(name string) bool {
	if f.set[name] {
		return f.after.Lookup(name).Value.String() == "true"
	}
	return f.c.Bool(name)
}

// interspersed parses the command's flags wherever they appear among its
// arguments: urfave/cli v2 stops at the first argument, and
// `nixgen host HOST --app ...` is the natural order.
func interspersed(c *cli.Context) ([]string, parsedFlags, error) {
	fs := flag.NewFlagSet(c.Command.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, f := range c.Command.Flags {
		if err := f.Apply(fs); err != nil {
			return nil, parsedFlags{}, err
		}
	}
	var positional []string
	args := c.Args().Slice()
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, parsedFlags{}, diag.Inputf("%v (see nixgen %s --help)", err, c.Command.Name)
		}
		args = fs.Args()
		if len(args) > 0 {
			positional = append(positional, args[0])
			args = args[1:]
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return positional, parsedFlags{c: c, after: fs, set: set}, nil
}

type hostOptions struct {
	Force, DryRun bool
	host.Options
}

func runHost(o hostOptions, stdout, stderr io.Writer) error {
	res, err := host.Generate(o.Options)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if o.DryRun {
		return sink.Print(stdout, res.Files)
	}
	dir := o.Dir
	files := render.Files{}
	for p, data := range res.Files {
		files[p] = data
	}
	var kept []string
	for _, p := range res.Scaffold {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			delete(files, p)
			kept = append(kept, p)
		}
	}
	if err := sink.Write(dir, files, o.Force); err != nil {
		return err
	}
	for _, p := range sink.Paths(files) {
		fmt.Fprintf(stdout, "wrote %s\n", displayPath(dir, p))
	}
	for _, p := range kept {
		fmt.Fprintf(stdout, "kept %s (yours: nixgen writes it only when missing)\n", displayPath(dir, p))
	}
	h := res.Host
	fmt.Fprintf(stdout, `
next:
  edit %s: hardware, boot, SSH key; then delete its assertion
  git add %s && nix flake lock
  set the secrets DEPLOY_SSH_KEY and DEPLOY_KNOWN_HOSTS of the GitHub environment %s
  in the app: nixgen init --deploy-repo OWNER/REPO (it sends %s)
`, displayPath(dir, render.HostConfiguration(h.Name)), strings.Join(sink.Paths(res.Files), " "), h.Name, render.DispatchEvent(h.App.Service))
	return nil
}
