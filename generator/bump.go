package generator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/pins"
	"github.com/nixgen/nixgen/generator/internal/resolve"
	"github.com/nixgen/nixgen/generator/internal/sink"
)

// BumpOptions are `nixgen bump`'s arguments.
type BumpOptions struct {
	Paths      []string // the .nix files; empty is flake.nix
	Rev        string   // move every pin here; "" moves each along its kind
	Deps       bool     // also outputHashes and vendorHash
	Check      bool     // write nothing; a *diag.DriftError lists what is stale
	Jobs       int      // prefetches at once, at least 1 (DefaultJobs)
	Prefetcher string   // auto, nix-prefetch-git or native
	GitHubURL  string
	Progress   io.Writer // a line per prefetch; nil for none
}

// DefaultJobs is how many sources bump prefetches at once by default.
const DefaultJobs = resolve.DefaultJobs

// BumpReport is what bump found and changed.
type BumpReport struct {
	Checked  string   // "3 pins and 1 dependency hash"
	Changes  []string // one line per stale value
	Updated  []string // files written
	Warnings []string
}

// Bump refreshes the pins in the named files. Nothing is written unless
// every prefetch succeeded.
func Bump(ctx context.Context, o BumpOptions) (*BumpReport, error) {
	if len(o.Paths) == 0 {
		o.Paths = []string{"flake.nix"}
	}
	if o.Jobs < 1 {
		return nil, diag.Inputf("--jobs %d: want at least 1", o.Jobs)
	}
	src, err := choices.ParsePrefetcher(o.Prefetcher, o.GitHubURL)
	if err != nil {
		return nil, err
	}
	files := make([]pins.File, len(o.Paths))
	for i, p := range o.Paths {
		data, err := os.ReadFile(p)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, fs.ErrNotExist) {
				msg = "no such file"
			}
			return nil, &diag.InputError{File: p, Msg: msg, Hint: "name the .nix files to bump: nixgen bump [FILE...]"}
		}
		files[i] = pins.File{Path: p, Data: data}
	}
	prefetcher, err := resolve.Select(src.Prefetcher)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(o.Paths[0])
	res, err := pins.Bump(ctx, files, pins.Options{
		Rev: o.Rev, Deps: o.Deps, GitHubURL: src.GitHubURL,
		Prefetcher: prefetcher, Project: os.DirFS(dir), ProjectDir: dir,
		Jobs: o.Jobs, Progress: o.Progress,
	})
	if err != nil {
		return nil, err
	}
	rep := &BumpReport{Warnings: res.Warnings}
	if res.Pins == 0 && res.Deps == 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("no fetchFromGitHub or fetchgit call to bump in %s", strings.Join(o.Paths, ", ")))
	}
	rep.Checked = fmt.Sprintf("%d %s", res.Pins, plural(res.Pins, "pin", "pins"))
	if o.Deps {
		rep.Checked += fmt.Sprintf(" and %d dependency %s", res.Deps, plural(res.Deps, "hash", "hashes"))
	}
	if o.Check {
		return rep, res.Drift()
	}
	if len(res.Changes) == 0 {
		return rep, nil
	}
	root, keyed, err := sinkPaths(res.Files)
	if err != nil {
		return nil, err
	}
	if _, err := sink.Write(root, keyed); err != nil {
		return nil, err
	}
	for _, ch := range res.Changes {
		rep.Changes = append(rep.Changes, ch.String())
	}
	for _, p := range o.Paths {
		if _, ok := res.Files[p]; ok {
			rep.Updated = append(rep.Updated, p)
		}
	}
	return rep, nil
}

// sinkPaths keys files under one directory for sink.Write, which writes
// them all or none: the current directory when every file is inside it,
// else the file system root. Bump rewrites files in place: a file named
// through a symlink is keyed by the file the link names, which is written,
// and the link stays.
func sinkPaths(files map[string][]byte) (string, Files, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		wd = real
	}
	var inside, abs Files
	for p, data := range files {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", nil, err
		}
		a, err := filepath.Abs(real)
		if err != nil {
			return "", nil, err
		}
		abs.Add(sink.File{Path: filepath.ToSlash(strings.TrimPrefix(a, string(filepath.Separator))), Data: data, IfExists: sink.Overwrite})
		if rel, err := filepath.Rel(wd, a); err == nil && filepath.IsLocal(rel) {
			inside.Add(sink.File{Path: filepath.ToSlash(rel), Data: data, IfExists: sink.Overwrite})
		}
	}
	if len(inside) == len(files) {
		return ".", inside, nil
	}
	return string(filepath.Separator), abs, nil
}
