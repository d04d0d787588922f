// Package generator turns a project directory into the files nixgen writes:
// detect (read the project into a model), render (model to files). It never
// writes to disk; package sink does.
package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/nixgen/nixgen/generator/cargo"
	"github.com/nixgen/nixgen/generator/diag"
	"github.com/nixgen/nixgen/generator/model"
	"github.com/nixgen/nixgen/generator/render"
	"github.com/nixgen/nixgen/generator/resolve"
)

// Options are the user's choices; the zero value picks every default.
type Options struct {
	// Builder is "crane", "rust-platform" or "" for the default: crane for
	// Cargo workspaces (one dependency build shared by every member),
	// rustPlatform.buildRustPackage for a single crate (nixpkgs only, no
	// extra input).
	Builder string
	// Channel is the nixpkgs branch; "" means render.DefaultChannel.
	Channel string
	// Bin names the package exposed as packages.default.
	Bin string
	// Service says whether to write the NixOS module (ServiceAuto: when
	// the project looks like a network server).
	Service ServiceMode
	// Port is the service's default port; 0 means detect it, else 8080.
	Port int
	// CI chooses workflows and deployment files; the zero value writes none.
	CI render.CIOptions

	// Dir is the project directory on disk, for the steps that run tools
	// there (Go's vendorHash).
	Dir string
	// VendorHash is "" to compute Go's vendorHash, or "fake" for lib.fakeHash.
	VendorHash string
	// Vendor computes vendorHash; nil means the real `go mod vendor`.
	Vendor VendorHasher

	// Src pins the source to a remote commit instead of the local tree.
	Src Src
	// Existing is the flake.nix on disk, if any: its pins are kept when
	// regenerating without --rev.
	Existing []byte
	// Prefetcher hashes pinned sources; nil picks one by Src.Prefetcher.
	Prefetcher resolve.Prefetcher

	// Description is meta.description when the project's files give none.
	Description string
	// Include lists extra paths, relative to the root, kept in the source
	// (files the build or the tests read that detection cannot see).
	Include []string
}

// Result is what a generation produced.
type Result struct {
	Project  *model.Project
	Builder  render.Builder // the Rust builder used, "" for Go
	Files    render.Files
	Warnings []string
	Src      *model.SourcePin // the pinned source; nil for the local tree
}

// Generate reads the project in fsys and returns the files to write.
func Generate(fsys fs.FS, opts Options) (*Result, error) {
	lang, err := Detect(fsys)
	if err != nil {
		return nil, err
	}
	channel := opts.Channel
	if channel == "" {
		channel = render.DefaultChannel
	}
	var p *model.Project
	var builder render.Builder
	switch lang {
	case model.Rust:
		if p, err = cargo.Detect(fsys, cargo.Options{Default: opts.Bin}); err != nil {
			return nil, err
		}
		if builder, err = rustBuilder(opts.Builder, p); err != nil {
			return nil, err
		}
		if len(p.Packages) == 0 {
			return nil, &diag.InputError{File: "Cargo.toml",
				Msg:  "no binary target: nixgen packages programs and services, and this project builds only libraries",
				Hint: "add src/main.rs or a [[bin]] section, or run nixgen in a crate that builds a binary"}
		}
	case model.Go:
		if opts.Builder != "" {
			return nil, diag.Inputf("--builder is for Rust projects; Go projects use buildGoModule")
		}
		if p, err = detectGo(context.Background(), fsys, opts); err != nil {
			return nil, err
		}
	}
	if p.Description == "" {
		p.Description = opts.Description
	}
	if err := includeSources(fsys, p, opts.Include); err != nil {
		return nil, err
	}
	serviceWarnings, err := planService(p, opts.Service, opts.Port)
	if err != nil {
		return nil, err
	}
	src, err := resolveSrc(context.Background(), p, builder, opts)
	if err != nil {
		return nil, err
	}
	ropts := render.Options{Builder: builder, Channel: channel, Src: src}
	var files render.Files
	var warnings []string
	if lang == model.Rust {
		files, warnings, err = render.Rust(p, ropts)
	} else {
		files, warnings, err = render.Go(p, ropts)
	}
	if err != nil {
		return nil, err
	}
	warnings = append(append(p.Warnings, serviceWarnings...), warnings...)
	if opts.CI.Enabled() {
		ci, ciWarnings, err := render.CI(p, opts.CI)
		if err != nil {
			return nil, err
		}
		for path, data := range ci {
			files[path] = data
		}
		warnings = append(warnings, ciWarnings...)
	}
	return &Result{Project: p, Builder: builder, Files: files, Warnings: warnings, Src: src}, nil
}

// Detect reports the project's language from the manifests at its root.
func Detect(fsys fs.FS) (model.Language, error) {
	has := func(name string) bool {
		st, err := fs.Stat(fsys, name)
		return err == nil && !st.IsDir()
	}
	switch {
	case has("Cargo.toml"):
		return model.Rust, nil
	case has("go.mod"):
		return model.Go, nil
	}
	if _, err := fs.Stat(fsys, "."); errors.Is(err, fs.ErrNotExist) {
		return "", &diag.InputError{File: ".", Msg: "no such directory"}
	}
	return "", &diag.InputError{File: ".", Msg: "found neither Cargo.toml nor go.mod",
		Hint: "run nixgen at the root of a Rust (Cargo) or Go (modules) project, or name it: nixgen init path/to/project"}
}

func rustBuilder(flag string, p *model.Project) (render.Builder, error) {
	switch render.Builder(flag) {
	case render.Crane, render.RustPlatform:
		return render.Builder(flag), nil
	case "":
		if p.Rust.Workspace {
			return render.Crane, nil
		}
		return render.RustPlatform, nil
	}
	return "", diag.Inputf("--builder %q: want one of %s", flag, strings.Join([]string{string(render.Crane), string(render.RustPlatform)}, ", "))
}

// Describe returns one line on what was detected, for the command's output.
func (r *Result) Describe() string {
	p := r.Project
	kind := "crate"
	switch {
	case p.Rust != nil && p.Rust.Workspace:
		kind = fmt.Sprintf("workspace, %d binary packages", len(p.Packages))
	case p.Go != nil:
		kind = fmt.Sprintf("module, %d %s", len(p.Packages), map[bool]string{true: "command", false: "commands"}[len(p.Packages) == 1])
	}
	how := ", builder " + string(r.Builder)
	if r.Builder == "" {
		how = ""
	}
	svc := "no NixOS module"
	if s := p.Service; s != nil {
		svc = fmt.Sprintf("service on port %d", s.Port)
	}
	name := p.Name
	if p.Version != "" {
		name += " " + p.Version
	}
	return fmt.Sprintf("%s (%s %s%s, %s)", name, p.Language, kind, how, svc)
}

// includeSources adds the user's extra source paths.
func includeSources(fsys fs.FS, p *model.Project, include []string) error {
	if len(include) == 0 {
		return nil
	}
	sources := append([]string(nil), p.Sources...)
	for _, inc := range include {
		clean := path.Clean(strings.TrimPrefix(inc, "./"))
		if path.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, "../") {
			return &diag.InputError{File: "nixgen.toml", Msg: fmt.Sprintf("include %q: want a path inside the project, like \"assets\"", inc)}
		}
		if _, err := fs.Stat(fsys, clean); err != nil {
			return &diag.InputError{File: "nixgen.toml", Msg: fmt.Sprintf("include %q does not exist", inc)}
		}
		sources = append(sources, clean)
	}
	p.Sources = model.Outermost(sources)
	return nil
}

// Details lists what detection found, one line each, for --verbose.
func (r *Result) Details() []string {
	p := r.Project
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	add("language %s, packages.default %s", p.Language, p.Default)
	for _, pkg := range p.Packages {
		add("package %s in %s: executables %s", pkg.Name, pkg.Dir, strings.Join(pkg.Binaries, ", "))
	}
	if n := p.Native; len(n.NativeBuildInputs)+len(n.BuildInputs)+len(n.LinuxBuildInputs) > 0 {
		add("native inputs: build tools %v, libraries %v, Linux only %v", n.NativeBuildInputs, n.BuildInputs, n.LinuxBuildInputs)
	}
	for _, s := range p.Sources {
		add("kept in the source besides the language's files: %s", s)
	}
	for _, e := range p.Env {
		add("build environment: %s = %s", e.Name, e.Value)
	}
	if g := p.Go; g != nil {
		switch {
		case g.VendorNull:
			add("vendorHash = null")
		case g.VendorHash != "":
			add("vendorHash %s (go mod vendor with Go %s)", g.VendorHash, g.HashGo)
		}
	}
	if s := p.Service; s != nil {
		wiring := []string{}
		for _, w := range []struct{ what, name string }{
			{"port from $", s.PortEnv}, {"host from $", s.HostEnv}, {"address from $", s.ListenEnv},
			{"port from ", s.PortFlag}, {"host from ", s.HostFlag}, {"address from ", s.ListenFlag},
		} {
			if w.name != "" {
				wiring = append(wiring, w.what+w.name)
			}
		}
		if s.FixedAt != "" {
			wiring = append(wiring, "fixed at "+s.FixedAt)
		}
		add("service %s: %s:%d (%s; port from %s), health path %q", s.Name, s.Address, s.Port, strings.Join(wiring, ", "), s.PortSource, s.HealthPath)
	} else {
		add("no NixOS module: not a service, or --no-service")
	}
	return out
}
