package main

import (
	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

func hashCommand(u *ui) *cli.Command {
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
			&cli.StringFlag{Name: "format", Value: generator.HashSRI, DefaultText: generator.HashSRI, Usage: "the hash's `FORMAT`: sri (sha256-<base64>), nix32 (also base32) or base16"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return generator.Usagef("hash needs at least one PATH (see nixgen hash --help)")
			}
			for _, p := range c.Args().Slice() {
				sum, err := generator.Hash(p, c.String("format"))
				if err != nil {
					return err
				}
				u.resultf("%s\n", sum)
			}
			return nil
		},
	}
}
