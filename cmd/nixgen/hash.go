package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/narhash"
)

func hashCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "hash",
		Usage:     "print the Nix hash (NAR SHA-256) of files or directories, like `nix hash path`",
		ArgsUsage: "PATH...",
		Description: `Prints one line per PATH: the SHA-256 of its NAR serialisation, the value
` + "`nix hash path`" + ` prints and the one a fixed-output derivation (a fetcher's
hash = ...) checks. Nix is not needed. A NAR keeps only names, contents, the
executable bit and symlink targets, so times, owners and other permissions
never change the hash. Symlinks are stored, not followed.

Examples:
   nixgen hash ./vendor                      # sha256-...
   nixgen hash --format nix32 ./src          # the form nix-hash --base32 prints
   git archive HEAD | tar -x -C /tmp/t && nixgen hash /tmp/t   # fetchFromGitHub's hash of HEAD`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "sri", Usage: "`sri` (sha256-<base64>), nix32 (also base32) or base16"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return diag.Inputf("hash needs at least one PATH (see nixgen hash --help)")
			}
			format := c.String("format")
			switch format {
			case "sri", "nix32", "base32", "base16":
			default:
				return diag.Inputf("--format %q: want sri, nix32 or base16", format)
			}
			for _, p := range c.Args().Slice() {
				if _, err := os.Lstat(p); err != nil {
					msg := err.Error()
					if errors.Is(err, fs.ErrNotExist) {
						msg = "no such file or directory"
					}
					return &diag.InputError{File: p, Msg: msg}
				}
				sum, err := narhash.Path(p)
				if err != nil {
					return &diag.InputError{File: p, Msg: err.Error(), Err: err}
				}
				switch format {
				case "nix32", "base32":
					fmt.Fprintln(stdout, sum.Nix32())
				case "base16":
					fmt.Fprintf(stdout, "%x\n", sum[:])
				default:
					fmt.Fprintln(stdout, sum.SRI())
				}
			}
			return nil
		},
	}
}
