package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
	"github.com/nixgen/nixgen/generator/config"
	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/render"
	"github.com/nixgen/nixgen/generator/sink"
)

// run is the whole program; main only supplies the process's stdio and
// environment, so tests can call it directly.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	u := newUI(stdout, stderr, getenv)
	app := newApp(u)
	err := app.Run(args)
	if err == nil {
		return diag.ExitOK
	}
	u.errorf(err)
	return diag.ExitCode(err)
}

func newApp(u *ui) *cli.App {
	stdout, stderr := u.out, u.err
	app := &cli.App{
		Name:      "nixgen",
		Usage:     "generate a reviewable Nix flake, NixOS module and CI for a Rust or Go service",
		UsageText: "nixgen [--quiet|--verbose] COMMAND [FLAGS] [ARGS]",
		Description: `nixgen reads Cargo.toml/Cargo.lock (or go.mod/go.sum) and writes a flake with a
package per binary, apps, a devShell, checks and a formatter. Output is
byte-for-byte deterministic, so it can be committed and reviewed.

Exit codes: 0 ok, 1 drift found by a check, 2 bad usage or input (nothing
written), 3 an external tool or the network failed.

Example:
   cd my-service && nixgen init && git add flake.nix && nix build`,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only results and errors"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also print what nixgen detected and why"},
		},
		Before: func(c *cli.Context) error {
			u.quiet, u.verbose = c.Bool("quiet"), c.Bool("verbose")
			if u.quiet && u.verbose {
				return diag.Inputf("--quiet and --verbose contradict each other")
			}
			return nil
		},
		// Errors are printed once, by run; never exit from inside the library.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Commands: []*cli.Command{
			initCommand(u),
			checkCommand(u),
			hostCommand(stdout, stderr),
			bumpCommand(stdout, stderr),
			hashCommand(stdout),
			completionCommand(stdout),
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

func initCommand(u *ui) *cli.Command {
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
			&cli.StringFlag{Name: "nixpkgs", Usage: "nixpkgs branch the flake follows (default: " + render.DefaultChannel + ")"},
			&cli.StringFlag{Name: "bin", Usage: "package to expose as packages.default (default: the root crate, or the only binary crate)"},
			&cli.BoolFlag{Name: "service", Usage: "write the NixOS module even if the project does not look like a server"},
			&cli.BoolFlag{Name: "no-service", Usage: "write no NixOS module (libraries and command-line tools)"},
			&cli.StringFlag{Name: "vendor-hash", Usage: "Go: \"fake\" writes lib.fakeHash instead of computing vendorHash with `go mod vendor`"},
			&cli.IntFlag{Name: "port", Usage: "the service's default port (default: detected from the source, else 8080)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite files that already exist"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the files instead of writing them"},
			&cli.BoolFlag{Name: "diff", Usage: "show a unified diff of what would change, and write nothing"},
		}, append(ciFlags(), srcFlags()...)...),
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
			src, err := srcOptions(c)
			if err != nil {
				return err
			}
			return runInit(initOptions{
				Dir:    dirArg(c),
				Force:  c.Bool("force"),
				DryRun: c.Bool("dry-run"),
				Diff:   c.Bool("diff"),
				Options: generator.Options{
					Builder: c.String("builder"), Channel: c.String("nixpkgs"), Bin: c.String("bin"),
					Service: service, Port: c.Int("port"), CI: ci, VendorHash: c.String("vendor-hash"),
					Src: src,
				},
			}, u)
		},
	}
}

type initOptions struct {
	Dir                 string
	Force, DryRun, Diff bool
	generator.Options
}

func runInit(o initOptions, u *ui) error {
	stdout := u.out
	if o.VendorHash != "" && o.VendorHash != "fake" {
		return diag.Inputf("--vendor-hash %q: the only value is \"fake\" (by default nixgen computes it)", o.VendorHash)
	}
	gen, err := generate(o.Dir, o.Options, u)
	if err != nil {
		return err
	}
	switch {
	case o.DryRun:
		return sink.Print(stdout, gen.files)
	case o.Diff:
		diffs := sink.Diff(o.Dir, gen.files)
		if len(diffs) == 0 {
			fmt.Fprintln(stdout, "no changes")
		}
		for _, d := range diffs {
			stdout.Write(d.Unified)
		}
		return nil
	}
	if err := sink.Write(o.Dir, gen.files, o.Force); err != nil {
		return err
	}
	res := gen.result
	u.infof("detected %s\n", res.Describe())
	for _, p := range sink.Paths(gen.files) {
		u.infof("wrote %s\n", displayPath(o.Dir, p))
	}
	for _, p := range gen.skipped {
		u.infof("kept %s (listed as owned in nixgen.toml)\n", displayPath(o.Dir, p))
	}
	u.infof(`
next:
  git add %s     # flakes only see files git tracks
  nix flake check       # build the packages and run the checks
  nix run               # start %s
  nix develop           # a shell with the toolchain
`, strings.Join(sink.Paths(gen.files), " "), res.Project.Package(res.Project.Default).MainProgram)
	return nil
}

// generation is what init and check compare or write.
type generation struct {
	result  *generator.Result
	files   map[string][]byte // nixgen.toml included, owned files left out
	skipped []string          // owned files nixgen would have written
}

// generate runs the generator with the options completed from nixgen.toml
// and adds the nixgen.toml that records them.
func generate(dir string, opts generator.Options, u *ui) (*generation, error) {
	fsys := os.DirFS(dir)
	opts, cfg, err := generator.WithConfig(fsys, opts)
	if err != nil {
		return nil, located(dir, err)
	}
	opts.Dir = dir
	if existing, err := os.ReadFile(filepath.Join(dir, "flake.nix")); err == nil {
		opts.Existing = existing
	}
	res, err := generator.Generate(fsys, opts)
	if err != nil {
		return nil, located(dir, err)
	}
	for _, w := range res.Warnings {
		u.warnf("%s", w)
	}
	for _, line := range res.Details() {
		u.debugf("%s", line)
	}
	g := &generation{result: res, files: map[string][]byte{}}
	for path, data := range res.Files {
		if cfg.IsOwned(path) {
			g.skipped = append(g.skipped, path)
			continue
		}
		g.files[path] = data
	}
	sort.Strings(g.skipped)
	g.files[config.FileName] = generator.Record(res, opts, cfg.Owned).Render()
	return g, nil
}

// located makes an input error's file name relative to where the user is.
func located(dir string, err error) error {
	var in *diag.InputError
	if errors.As(err, &in) && in.File != "" {
		in.File = displayPath(dir, in.File)
	}
	return err
}

func checkCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "fail when generated files differ from what nixgen would write now",
		ArgsUsage: "[DIR]",
		Description: `Regenerates every file in memory from nixgen.toml and the project, and compares
them with the files on disk. Exit 0 when they are equal; exit 1 with a unified
diff per file when not. Files listed as owned in nixgen.toml are skipped.
Run it in CI so a dependency bump that changes the generated files fails the
pull request until ` + "`nixgen init --force`" + ` is run and the diff reviewed.

Example:
   nixgen check && echo up to date`,
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return diag.Inputf("check takes at most one directory, got %d arguments", c.NArg())
			}
			return runCheck(dirArg(c), u)
		},
	}
}

func runCheck(dir string, u *ui) error {
	stdout := u.out
	if _, ok, err := config.Load(os.DirFS(dir)); err != nil {
		return located(dir, err)
	} else if !ok {
		return &diag.InputError{File: displayPath(dir, config.FileName), Msg: "not found: nothing to check against",
			Hint: "run `nixgen init` first; it records its choices in nixgen.toml"}
	}
	gen, err := generate(dir, generator.Options{}, u)
	if err != nil {
		return err
	}
	diffs := sink.Diff(dir, gen.files)
	for _, d := range diffs {
		stdout.Write(d.Unified)
	}
	if len(diffs) > 0 {
		names := make([]string, len(diffs))
		for i, d := range diffs {
			names[i] = d.Path
		}
		return &diag.DriftError{Msg: fmt.Sprintf("%d generated %s out of date: %s\n  hint: run `nixgen init --force`, review and commit the diff",
			len(diffs), plural(len(diffs), "file is", "files are"), strings.Join(names, ", "))}
	}
	u.infof("%d generated files up to date\n", len(gen.files))
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
