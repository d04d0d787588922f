// Package escape writes values taken from users' files in the syntax of each
// language nixgen generates, so that the generated file means exactly those
// values and nothing more. One file per output language: Nix, YAML, shell,
// systemd, Python and TOML. Every value a template interpolates goes through
// one of these functions; each has a test that reads it back with the
// language's own parser.
package escape
