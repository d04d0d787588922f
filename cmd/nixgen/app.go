package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/render"
	"github.com/nixgen/nixgen/generator/sink"
)

// run is the whole program; main only supplies the process's stdio and
// environment, so tests can call it directly.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	app := newApp(stdout, stderr, getenv)
	err := app.Run(args)
	if err == nil {
		return diag.ExitOK
	}
	fmt.Fprintf(stderr, "nixgen: %v\n", err)
	return diag.ExitCode(err)
}

func newApp(stdout, stderr io.Writer, getenv func(string) string) *cli.App {
	app := &cli.App{
		Name:  "nixgen",
		Usage: "generate a reviewable Nix flake, NixOS module and CI for a Rust or Go service",
		UsageText: `nixgen init [DIR]        write flake.nix for the project in DIR (default: .)
   nixgen version           print nixgen's version`,
		Description: `nixgen reads Cargo.toml/Cargo.lock (or go.mod/go.sum) and writes a flake with a
package per binary, apps, a devShell, checks and a formatter. Output is
byte-for-byte deterministic, so it can be committed and reviewed.

Exit codes: 0 ok, 1 drift found by a check, 2 bad usage or input (nothing
written), 3 an external tool or the network failed.

Example:
   cd my-service && nixgen init && git add flake.nix && nix build`,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		// Errors are printed once, by run; never exit from inside the library.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Commands: []*cli.Command{
			initCommand(stdout, stderr),
			versionCommand(stdout),
		},
	}
	for _, c := range app.Commands {
		c.OnUsageError = usageError
	}
	return app
}

// usageError turns a flag parsing error into an input error (exit 2).
func usageError(c *cli.Context, err error, _ bool) error {
	cmd := "nixgen"
	if c != nil && c.Command != nil && c.Command.Name != "" {
		cmd += " " + c.Command.Name
	}
	return diag.Inputf("%v (see %s --help)", err, cmd)
}

func initCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write flake.nix for a Rust or Go project",
		ArgsUsage: "[DIR]",
		Description: `Reads the project in DIR (default: the current directory) and writes flake.nix.
Nothing is asked: every choice has a default and a flag to override it.

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
			&cli.StringFlag{Name: "builder", Usage: "Rust builder: crane or rust-platform (default: crane for workspaces, rust-platform otherwise)"},
			&cli.StringFlag{Name: "nixpkgs", Value: render.DefaultChannel, Usage: "nixpkgs branch the flake follows"},
			&cli.StringFlag{Name: "bin", Usage: "package to expose as packages.default (default: the root crate, or the only binary crate)"},
			&cli.BoolFlag{Name: "service", Usage: "write the NixOS module even if the project does not look like a server"},
			&cli.BoolFlag{Name: "no-service", Usage: "write no NixOS module (libraries and command-line tools)"},
			&cli.StringFlag{Name: "vendor-hash", Usage: "Go: \"fake\" writes lib.fakeHash instead of computing vendorHash with `go mod vendor`"},
			&cli.IntFlag{Name: "port", Usage: "the service's default port (default: detected from the source, else 8080)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite files that already exist"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the files instead of writing them"},
		}, ciFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return diag.Inputf("init takes at most one directory, got %d arguments", c.NArg())
			}
			service := generator.ServiceAuto
			switch {
			case c.Bool("service") && c.Bool("no-service"):
				return diag.Inputf("--service and --no-service contradict each other")
			case c.Bool("service"):
				service = generator.ServiceOn
			case c.Bool("no-service"):
				service = generator.ServiceOff
			}
			ci, err := ciOptions(c)
			if err != nil {
				return err
			}
			return runInit(initOptions{
				Dir:    dirArg(c),
				Force:  c.Bool("force"),
				DryRun: c.Bool("dry-run"),
				Options: generator.Options{
					Builder: c.String("builder"), Channel: c.String("nixpkgs"), Bin: c.String("bin"),
					Service: service, Port: c.Int("port"), CI: ci, VendorHash: c.String("vendor-hash"),
				},
			}, stdout, stderr)
		},
	}
}

type initOptions struct {
	Dir           string
	Force, DryRun bool
	generator.Options
}

func runInit(o initOptions, stdout, stderr io.Writer) error {
	if o.VendorHash != "" && o.VendorHash != "fake" {
		return diag.Inputf("--vendor-hash %q: the only value is \"fake\" (by default nixgen computes it)", o.VendorHash)
	}
	o.Options.Dir = o.Dir
	res, err := generator.Generate(os.DirFS(o.Dir), o.Options)
	if err != nil {
		var in *diag.InputError
		if errors.As(err, &in) && in.File != "" {
			in.File = displayPath(o.Dir, in.File)
		}
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if o.DryRun {
		return sink.Print(stdout, res.Files)
	}
	if err := sink.Write(o.Dir, res.Files, o.Force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "detected %s\n", res.Describe())
	for _, p := range sink.Paths(res.Files) {
		fmt.Fprintf(stdout, "wrote %s\n", displayPath(o.Dir, p))
	}
	fmt.Fprintf(stdout, `
next:
  git add %s     # flakes only see files git tracks
  nix flake check       # build the packages and run the checks
  nix run               # start %s
  nix develop           # a shell with the toolchain
`, strings.Join(sink.Paths(res.Files), " "), res.Project.Package(res.Project.Default).MainProgram)
	return nil
}

func versionCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:        "version",
		Usage:       "print nixgen's version",
		Description: "Prints the module version and VCS revision nixgen was built from.\n\nExample:\n   nixgen version",
		Action: func(*cli.Context) error {
			fmt.Fprintln(stdout, "nixgen", version())
			return nil
		},
	}
}

// version reads the build info the Go toolchain embeds.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev != "" && (v == "" || v == "(devel)") {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return fmt.Sprintf("(devel) %s%s", rev, dirty)
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}

func dirArg(c *cli.Context) string {
	if c.NArg() == 0 {
		return "."
	}
	return c.Args().First()
}

// displayPath names a file inside dir the way the user would type it.
func displayPath(dir, rel string) string {
	if rel == "." {
		return dir
	}
	if dir == "." || dir == "" {
		return rel
	}
	return filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(rel, "./")))
}
