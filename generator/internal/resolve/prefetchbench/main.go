//go:build ignore

// Command prefetch is bench/prefetch.sh's helper (go run generator/internal/resolve/prefetchbench/main.go):
//
//	main.go repo -files N -seed S DIR   make a git repository of about N files
//	main.go prefetch [-fetcher git|github] [-fetch] URL REV   native prefetch; prints the nix32 hash
//
// The repository is deterministic for a seed: small source-like files in
// nested directories, some larger ones, executables and symlinks, committed
// with fixed dates.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/narhash"
	"github.com/nixgen/nixgen/generator/internal/resolve"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "repo":
		err = repo(os.Args[2:])
	case "prefetch":
		err = prefetch(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "prefetch:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: main.go repo -files N -seed S DIR | main.go prefetch [-fetcher git|github] URL REV")
	os.Exit(2)
}

func repo(args []string) error {
	fs := flag.NewFlagSet("repo", flag.ExitOnError)
	files := fs.Int("files", 20000, "number of files")
	seed := fs.Uint64("seed", 1, "content seed")
	fs.Parse(args)
	if fs.NArg() != 1 {
		usage()
	}
	dir := fs.Arg(0)
	rng := rand.New(rand.NewPCG(*seed, 0x6e6978676e))
	words := strings.Fields("fn let mut struct impl pub use mod match if else for while return self Some None Ok Err String Vec u8 usize")
	var dirs []string
	for d := 0; d < *files/40+1; d++ {
		parent := "."
		if len(dirs) > 0 && rng.IntN(3) > 0 {
			parent = dirs[rng.IntN(len(dirs))]
		}
		dirs = append(dirs, filepath.Join(parent, fmt.Sprintf("d%03d", d)))
	}
	for i := 0; i < *files; i++ {
		p := filepath.Join(dir, dirs[rng.IntN(len(dirs))], fmt.Sprintf("f%05d.rs", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if i%500 == 7 {
			if err := os.Symlink(fmt.Sprintf("f%05d.rs", i-1), p); err != nil {
				return err
			}
			continue
		}
		size := 64 + rng.IntN(6000)
		if i%200 == 3 {
			size = 100_000 + rng.IntN(400_000)
		}
		var b strings.Builder
		for b.Len() < size {
			b.WriteString(words[rng.IntN(len(words))])
			if rng.IntN(8) == 0 {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		mode := os.FileMode(0o644)
		if i%100 == 5 {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(b.String()), mode); err != nil {
			return err
		}
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"commit", "-q", "-m", "bench"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.org", "GIT_AUTHOR_DATE=2024-05-01T12:00:00Z",
			"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.org", "GIT_COMMITTER_DATE=2024-05-01T12:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

func prefetch(args []string) error {
	fs := flag.NewFlagSet("prefetch", flag.ExitOnError)
	fetcher := fs.String("fetcher", "git", "git (fetchgit) or github (fetchFromGitHub)")
	fetch := fs.Bool("fetch", false, "fetch with --depth 1 even from a local repository")
	fs.Parse(args)
	if fs.NArg() != 2 {
		usage()
	}
	req := resolve.Request{Fetcher: resolve.Git, URL: fs.Arg(0), Rev: fs.Arg(1)}
	if *fetcher == "github" {
		req.Fetcher = resolve.GitHub
	}
	pin, err := (&resolve.NativePrefetcher{AlwaysFetch: *fetch}).Prefetch(context.Background(), req)
	if err != nil {
		return err
	}
	sum, err := narhash.Parse(pin.Hash)
	if err != nil {
		return err
	}
	fmt.Println(sum.Nix32())
	return nil
}
