//go:build ignore

// Command hashpath prints the NAR hash of each argument in SRI form, as
// `nix hash path` does, using package narhash. bench/hash.sh times it.
//
// With -size it also prints the NAR size in bytes after each hash. With
// -floor it instead measures crypto/sha256 on an in-memory buffer and
// prints the median throughput in bytes per second: the speed no NAR
// hasher can beat on this machine.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/nixgen/nixgen/generator/internal/narhash"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hashpath", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.Bool("size", false, "also print the NAR size in bytes")
	floor := fs.Bool("floor", false, "print crypto/sha256 throughput in bytes/s instead")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *floor {
		fmt.Fprintf(stdout, "%.0f\n", shaThroughput(128<<20, 5))
		return 0
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: hashpath [-size] PATH... | hashpath -floor")
		return 2
	}
	for _, p := range fs.Args() {
		sum, n, err := narhash.PathSize(p)
		if err != nil {
			fmt.Fprintln(stderr, "hashpath:", err)
			return 1
		}
		if *size {
			fmt.Fprintln(stdout, sum.SRI(), n)
		} else {
			fmt.Fprintln(stdout, sum.SRI())
		}
	}
	return 0
}

// shaThroughput hashes a buffer of n bytes in one stream, passes times,
// and returns the median bytes per second.
func shaThroughput(n, passes int) float64 {
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	rates := make([]float64, passes)
	for i := range rates {
		h := sha256.New()
		start := time.Now()
		h.Write(buf)
		h.Sum(nil)
		rates[i] = float64(n) / time.Since(start).Seconds()
	}
	slices.Sort(rates)
	return rates[passes/2]
}
