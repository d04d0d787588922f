//go:build ignore

// Command score is bench/corpus.sh's scorer (go build bench/corpus/score.go).
// It is a file apart so that the scorer is a library package, not a
// command nixgen's own flake would package.
package main

import "github.com/nixgen/nixgen/bench/corpus/score"

func main() { score.Main() }
