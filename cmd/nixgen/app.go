package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

// run is the whole program; main only supplies the process's stdio and
// environment, so tests can call it directly.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	u := newUI(stdout, stderr, getenv)
	app := newApp(u)
	err := app.Run(interspersed(app, args))
	if err == nil {
		return generator.ExitOK
	}
	u.errorf(err)
	return generator.ExitCode(err)
}

func init() {
	// -v is --verbose; urfave/cli would give it to --version.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print nixgen's version", DisableDefaultText: true}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintf(c.App.Writer, "nixgen %s\n", c.App.Version) }
}

func newApp(u *ui) *cli.App {
	app := &cli.App{
		Name:      "nixgen",
		Usage:     "generate a reviewable Nix flake, NixOS module and CI for a Rust or Go service",
		UsageText: "nixgen [--quiet|--verbose] COMMAND [FLAGS] [ARGS]",
		Version:   version(),
		Description: `nixgen reads Cargo.toml/Cargo.lock (or go.mod/go.sum) and writes a flake with a
package per binary, apps, a devShell, checks and a formatter. Output is
byte-for-byte deterministic, so it can be committed and reviewed.

Flags may come before or after a command's arguments.

Exit codes: 0 ok, 1 drift found by a check, 2 bad usage or input (nothing
written), 3 an external tool or the network failed.

Example:
   cd my-service && nixgen init && git add flake.nix && nix build`,
		Writer:               u.out,
		ErrWriter:            u.err,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only results and errors"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also print what nixgen detected and why"},
		},
		Before: func(c *cli.Context) error {
			u.quiet, u.verbose = c.Bool("quiet"), c.Bool("verbose")
			if u.quiet && u.verbose {
				return generator.Usagef("--quiet and --verbose contradict each other")
			}
			return nil
		},
		// Without a command: the help, or a usage error for an unknown one.
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return generator.Usagef("unknown command %q (see nixgen --help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		// Errors are printed once, by run; never exit from inside the library.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Commands: []*cli.Command{
			initCommand(u),
			checkCommand(u),
			inspectCommand(u),
			hostCommand(u),
			bumpCommand(u),
			hashCommand(u),
			completionCommand(u),
			versionCommand(u),
		},
	}
	switches(app.Flags)
	for _, c := range app.Commands {
		c.OnUsageError = usageError
		switches(c.Flags)
	}
	return app
}

// switches keeps help from printing "(default: false)" after every boolean
// flag: a switch is off unless given.
func switches(flags []cli.Flag) {
	for _, f := range flags {
		if b, ok := f.(*cli.BoolFlag); ok {
			b.DisableDefaultText = true
		}
	}
}

// usageError turns a flag parsing error into a usage error (exit 2) that
// names the command once.
func usageError(c *cli.Context, err error, _ bool) error {
	cmd := "nixgen"
	if c != nil && c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		cmd += " " + c.Command.Name
	}
	// Go's flag package names flags with one dash; nixgen's help uses two.
	msg := err.Error()
	for _, prefix := range []string{"not defined: -", "an argument: -", "for flag -"} {
		msg = strings.Replace(msg, prefix, prefix+"-", 1)
	}
	return generator.Usagef("%s (see %s --help)", msg, cmd)
}

// interspersed lets flags follow a command's arguments, as in
// `nixgen init ../api --builder crane` or `nixgen bump flake.nix --check`:
// urfave/cli stops reading flags at the first argument, so the flags are
// moved before the arguments (global flags before the command). "--" ends
// the flags; what follows it stays an argument.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args
	}
	global := func(name string) bool {
		for _, f := range app.Flags {
			for _, n := range f.Names() {
				if n == name {
					return true
				}
			}
		}
		return false
	}
	globals := []string{}
	i := 1
	for ; i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--"; i++ {
		globals = append(globals, args[i])
	}
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	var flags, positional []string
	rest := args[i+1:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		if a == "--" {
			positional = append(positional, rest[j+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if global(name) {
			globals = append(globals, a)
			continue
		}
		flags = append(flags, a)
		if !hasValue && takesValue(cmd, name) && j+1 < len(rest) {
			flags = append(flags, rest[j+1])
			j++
		}
	}
	out := append([]string{args[0]}, globals...)
	out = append(append(out, args[i]), flags...)
	if len(positional) > 0 {
		out = append(out, "--")
	}
	return append(out, positional...)
}

// takesValue reports whether the command's flag name reads the next
// argument as its value: every flag but a boolean one. An unknown flag is
// left for the parser to report.
func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}

// dirArg is the command's one optional directory argument.
func dirArg(c *cli.Context, command string) (string, error) {
	if c.NArg() > 1 {
		return "", generator.Usagef("%s takes at most one directory, got %d arguments", command, c.NArg())
	}
	if c.NArg() == 0 {
		return ".", nil
	}
	return c.Args().First(), nil
}

// needValues fails when a string flag was given an empty value.
func needValues(c *cli.Context, names ...string) error {
	for _, name := range names {
		if c.IsSet(name) && strings.TrimSpace(c.String(name)) == "" {
			return generator.Usagef("--%s needs a value", name)
		}
	}
	return nil
}
