// Command nixgen turns a Rust or Go service repository into a Nix flake.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr, os.Getenv)) }
