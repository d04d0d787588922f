// Package generator is nixgen as a library: each command's whole pipeline,
// written in one place. For `nixgen init` and `nixgen check` that is
//
//	load choices -> detect -> plan -> resolve -> render -> files -> sink
//
// Detection reads the project through an fs.FS and runs nothing; resolve is
// the only step that runs tools or reaches the network; rendering returns
// bytes; the sink writes them all or none. The packages under internal/
// hold the steps; nothing outside this module imports them.
package generator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/cargo"
	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/config"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/gitmodules"
	"github.com/nixgen/nixgen/generator/internal/gomod"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/plan"
	"github.com/nixgen/nixgen/generator/internal/projfs"
	"github.com/nixgen/nixgen/generator/internal/render"
	"github.com/nixgen/nixgen/generator/internal/resolve"
	"github.com/nixgen/nixgen/generator/internal/sink"
)

// Choices are init's flags as the user gave them; a zero field is not
// given, so nixgen.toml or the default decides.
type Choices = choices.Flags

// Service modes for Choices.Service.
const (
	ServiceOn  = string(choices.ServiceOn)
	ServiceOff = string(choices.ServiceOff)
)

// Mode is what Init does with the files it generates.
type Mode int

const (
	Write  Mode = iota // write them (refusing to replace files unless Force)
	DryRun             // return them in Report.Files, write nothing
	Diff               // compare them with disk in Report.Diffs, write nothing
)

// InitOptions are `nixgen init`'s arguments.
type InitOptions struct {
	Dir     string // the project; "" is the current directory
	Choices Choices
	Mode    Mode
	Force   bool // replace nixgen's files that exist
	// Progress gets a line per long step (prefetches); nil for none.
	Progress io.Writer
}

// Report is what a command did and found, for the command line to print.
type Report struct {
	Summary  string   // one line on what was detected
	Details  []string // what detection found, for --verbose
	Warnings []string
	Files    Files      // everything generated (DryRun prints it)
	Diffs    []FileDiff // Diff and Check: files that differ from disk
	Written  []string   // paths written, relative to the directory
	Kept     []Kept     // files left alone because they are the user's
	Program  string     // the default program, for `nix run`
	Compared int        // Check: files compared
	// Stale are files an earlier generation wrote that this one does not;
	// Removed those init --force deleted.
	Stale, Removed []string
}

// Kept is a file nixgen did not touch, and why.
type Kept struct{ Path, Why string }

// Files are generated files, sorted by path.
type Files = sink.Files

// FileDiff is one generated file that differs from disk.
type FileDiff = sink.FileDiff

// PrintFiles writes files as `==> PATH <==` sections.
func PrintFiles(w io.Writer, files Files) error { return sink.Print(w, files) }

// Exit codes, which every command's error maps to with ExitCode.
const (
	ExitOK    = diag.ExitOK    // success
	ExitDrift = diag.ExitDrift // a check found files or pins out of date
	ExitInput = diag.ExitInput // bad usage or input; nothing was written
	ExitTool  = diag.ExitTool  // an external tool or the network failed
)

// ExitCode maps an error of this package to the documented exit code.
func ExitCode(err error) int { return diag.ExitCode(err) }

// Usagef is a usage error (exit 2) for the command line to return.
func Usagef(format string, args ...any) error { return diag.Inputf(format, args...) }

// DefaultChannel is the nixpkgs branch flakes follow by default.
const DefaultChannel = model.DefaultChannel

// DefaultContainer is the image --target plain builds in by default, and
// DefaultCISystem the one system nix.yml builds by default.
const (
	DefaultContainer = model.DefaultContainer
	DefaultCISystem  = model.DefaultSystem
)

// Systems are the Nix systems nixgen knows; a flake exposes FlakeSystems
// unless told otherwise.
var (
	Systems      = model.Systems
	FlakeSystems = model.FlakeSystems
)

// Init generates the files for the project in o.Dir and writes, prints
// or compares them.
func Init(ctx context.Context, o InitOptions) (*Report, error) {
	dir := orDot(o.Dir)
	cfg, _, err := config.Load(os.DirFS(dir))
	if err != nil {
		return nil, located(dir, err)
	}
	rep, files, err := generate(ctx, dir, o.Choices, cfg, o.Progress)
	if err != nil {
		return nil, err
	}
	if o.Mode != Write || !o.Force {
		for _, path := range rep.Stale {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s was generated before but no longer is (a choice changed): init --force removes it", displayPath(dir, path)))
		}
	}
	switch o.Mode {
	case DryRun:
		rep.Files = sink.Pending(dir, files)
		return rep, nil
	case Diff:
		rep.Diffs = sink.Diff(dir, files)
		return rep, nil
	}
	if o.Force {
		files = files.Force()
	}
	res, err := sink.Write(dir, files)
	if err != nil {
		return nil, located(dir, err)
	}
	rep.Written = res.Written
	for _, f := range res.Kept {
		rep.Kept = append(rep.Kept, Kept{Path: f.Path, Why: f.Why})
	}
	// --force replaces nixgen's files with this generation's, so the files
	// an earlier one wrote and this one does not go too.
	if rep.Removed, err = sink.Remove(dir, rep.Stale); err != nil {
		return nil, located(dir, err)
	}
	return rep, nil
}

// CheckOptions are `nixgen check`'s arguments.
type CheckOptions struct {
	Dir      string // the project; "" is the current directory
	Rehash   bool   // recompute Go's vendorHash even when its inputs did not change
	Progress io.Writer
	// Nixgen is the running nixgen's version, as in Choices.Nixgen.
	Nixgen string
}

// Check regenerates the files of the project in o.Dir from its nixgen.toml
// and compares them with disk: a *diag.DriftError lists what differs, and
// the files an earlier generation wrote that no longer belong.
func Check(ctx context.Context, o CheckOptions) (*Report, error) {
	dir := orDot(o.Dir)
	cfg, ok, err := config.Load(os.DirFS(dir))
	if err != nil {
		return nil, located(dir, err)
	}
	if !ok {
		return nil, &diag.InputError{File: displayPath(dir, config.FileName), Msg: "not found: nothing to check against",
			Hint: "run `nixgen init` first; it records its choices in nixgen.toml"}
	}
	rep, files, err := generate(ctx, dir, Choices{Rehash: o.Rehash, Nixgen: o.Nixgen}, cfg, o.Progress)
	if err != nil {
		return nil, err
	}
	rep.Diffs = sink.Diff(dir, files)
	for _, f := range files {
		if f.IfExists != sink.Keep {
			rep.Compared++
		}
	}
	var msgs []string
	if n := len(rep.Diffs); n > 0 {
		names := make([]string, n)
		for i, d := range rep.Diffs {
			names[i] = d.Path
		}
		msgs = append(msgs, fmt.Sprintf("%d generated %s out of date: %s\n  hint: run `nixgen init --force`, review and commit the diff",
			n, plural(n, "file is", "files are"), strings.Join(names, ", ")))
	}
	if n := len(rep.Stale); n > 0 {
		msgs = append(msgs, fmt.Sprintf("%d %s no longer generated: %s\n  hint: run `nixgen init --force` to remove %s, or list %s in nixgen.toml's owned to keep %s",
			n, plural(n, "file is", "files are"), strings.Join(rep.Stale, ", "), plural(n, "it", "them"), plural(n, "it", "them"), plural(n, "it", "them")))
	}
	if len(msgs) > 0 {
		return rep, &diag.DriftError{Msg: strings.Join(msgs, "\n")}
	}
	return rep, nil
}

// generate is the pipeline behind init and check: every step, in order.
func generate(ctx context.Context, dir string, flags Choices, cfg *config.Config, progress io.Writer) (*Report, Files, error) {
	fsys := os.DirFS(dir)

	// 1. Choices: flags over nixgen.toml, every value validated once.
	c, err := choices.Merge(flags, cfg)
	if err != nil {
		return nil, nil, located(dir, err)
	}

	// 2. Detect: the project, read through fsys into the model.
	p, err := detect(fsys, c)
	if err != nil {
		return nil, nil, located(dir, err)
	}

	// 3. Plan: the decisions that follow from the project and the choices.
	builder, serviceWarnings, err := plan.Project(fsys, p, c)
	if err != nil {
		return nil, nil, located(dir, err)
	}

	// 4. Resolve: the steps that run tools or use the network.
	if p.Language == model.Go {
		known := resolve.KnownVendor{Hash: c.Vendor.Hash, Go: c.Vendor.Go, Inputs: c.Vendor.Inputs}
		if v := c.Vendor; v.Cgo != nil {
			known.Deps = &model.GoDeps{Cgo: *v.Cgo, CLibs: model.CLibs{PkgConfig: v.PkgConfig, Libs: v.Libs}}
		}
		// The dependencies' cgo directives are read in the tree `go mod
		// vendor` makes for the hash.
		readDeps := func(vendor fs.FS) (*model.GoDeps, []string, error) { return gomod.ReadDependencies(vendor, "", p.Go) }
		vo := resolve.VendorOptions{Fake: c.FakeVendorHash, Rehash: c.Rehash, Known: known, Progress: progress, ReadDeps: readDeps}
		if err := resolve.GoVendor(ctx, p, fsys, dir, vo); err != nil {
			return nil, nil, located(dir, err)
		}
		gomod.Native(p)
		if err := plan.GoToolchain(p.Go, c.Channel); err != nil { // the vendorHash decides the Go version
			return nil, nil, located(dir, err)
		}
	}
	existing, _ := projfs.ReadFile(os.DirFS(dir), "flake.nix") // never a FIFO or a link out of the tree
	src, err := resolve.Source(ctx, p, resolve.SourceOptions{Src: c.Src, Builder: builder, Dir: dir, Existing: existing, Progress: progress})
	if err != nil {
		return nil, nil, located(dir, err)
	}

	// 5. Render.
	ropts := render.Options{Builder: builder, Channel: c.Channel, Src: src, Systems: c.Systems}
	var out render.Files
	var renderWarnings []string
	if p.Language == model.Rust {
		out, renderWarnings, err = render.Rust(p, ropts)
	} else {
		out, renderWarnings, err = render.Go(p, ropts)
	}
	if err != nil {
		return nil, nil, located(dir, err)
	}
	warnings := append(append(p.Warnings, serviceWarnings...), renderWarnings...)
	if c.CI.Enabled() {
		ci, ciWarnings, err := render.CI(p, c.CI)
		if err != nil {
			return nil, nil, located(dir, err)
		}
		for path, data := range ci {
			out[path] = data
		}
		warnings = append(warnings, ciWarnings...)
	}
	generated := append(slices.Sorted(maps.Keys(out)), config.FileName)
	slices.Sort(generated)
	out[config.FileName] = choices.Record(c, p, builder, src, generated).Render()

	// 6. Files, each with its policy: the user's owned files are kept.
	var files Files
	for path, data := range out {
		f := sink.File{Path: path, Data: data, IfExists: sink.Refuse}
		if cfg.IsOwned(path) {
			f.IfExists, f.Why = sink.Keep, "listed as owned in nixgen.toml"
		}
		files.Add(f)
	}
	rep := &Report{
		Summary:  describe(p, builder),
		Details:  details(p),
		Warnings: warnings,
		Program:  p.Package(p.Default).MainProgram,
		Stale:    stale(dir, c.Generated, generated, c.Owned),
	}
	return rep, files, nil
}

// stale returns the files a previous generation wrote (as nixgen.toml
// recorded them) that this one does not, and that are still on disk; the
// user's owned files never are.
func stale(dir string, before, now, owned []string) []string {
	var out []string
	for _, path := range before {
		if slices.Contains(now, path) || slices.Contains(owned, path) || !filepath.IsLocal(filepath.FromSlash(path)) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(path))); err == nil {
			out = append(out, path)
		}
	}
	return out
}

// detect reads the project's language from the manifests at its root and
// hands it to that language's detector. Both return the same model.
func detect(fsys fs.FS, c choices.Choices) (*model.Project, error) {
	bin := c.Bin
	has := func(name string) bool {
		st, err := fs.Stat(fsys, name)
		return err == nil && !st.IsDir()
	}
	subs, subWarnings, err := gitmodules.Read(fsys)
	if err != nil {
		return nil, err
	}
	var p *model.Project
	switch {
	case has("Cargo.toml"):
		p, err = cargo.Detect(fsys, cargo.Options{Default: bin, Features: c.Features, NoDefaultFeatures: c.NoDefaultFeatures, Submodules: subs})
		if err == nil && len(p.Packages) == 0 {
			hint := "add src/main.rs or a [[bin]] section, or run nixgen in a crate that builds a binary"
			if slices.ContainsFunc(subs, func(s model.Submodule) bool { return !s.CheckedOut }) {
				hint = "some git submodules are not checked out: run `git submodule update --init --recursive`, then nixgen again"
			}
			err = &diag.InputError{File: "Cargo.toml",
				Msg:  "no binary target: nixgen packages programs and services, and this project builds only libraries",
				Hint: hint}
		}
	case has("go.mod"):
		p, err = gomod.Detect(fsys, gomod.Options{Default: bin, EmbedProvided: c.EmbedProvided, Submodules: subs})
	case has("go.work"):
		return nil, gomod.WorkspaceRoot(fsys)
	default:
		if _, err := fs.Stat(fsys, "."); errors.Is(err, fs.ErrNotExist) {
			return nil, &diag.InputError{File: ".", Msg: "no such directory"}
		}
		return nil, &diag.InputError{File: ".", Msg: "found neither Cargo.toml nor go.mod",
			Hint: "run nixgen at the root of a Rust (Cargo) or Go (modules) project, or name it: nixgen init path/to/project"}
	}
	if err != nil {
		return nil, err
	}
	p.Warnings = append(subWarnings, p.Warnings...)
	return p, nil
}

// located makes an input error's file name relative to where the user is.
func located(dir string, err error) error {
	var in *diag.InputError
	if errors.As(err, &in) && in.File != "" {
		in.File = displayPath(dir, in.File)
	}
	return err
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

// DisplayPath names the file rel inside dir the way the user would type it.
func DisplayPath(dir, rel string) string { return displayPath(orDot(dir), rel) }

func orDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
