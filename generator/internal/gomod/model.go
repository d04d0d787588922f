package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/shipcfg"
	"github.com/nixgen/nixgen/generator/internal/spdx"
)

// Options are detection's choices.
type Options struct {
	Default string // the package to expose as packages.default; "" picks one
	// EmbedProvided are //go:embed paths a build step outside Go makes
	// that the user provides (nixgen.toml's [go] embed-provided): their
	// absence is a warning, not an error.
	EmbedProvided []string
	// Submodules are the repository's git submodules; those holding a
	// built package are marked as read by the build.
	Submodules []model.Submodule
}

// Detect reads the Go module in fsys into the model. It runs nothing: the
// vendorHash is resolve's job.
func Detect(fsys fs.FS, opts Options) (*model.Project, error) {
	g, err := scanTagged(fsys, nil)
	if err != nil {
		return nil, scanError(err)
	}
	p, err := project(fsys, opts, g, nil)
	if err != nil || len(p.Go.Tags) == 0 {
		return p, err
	}
	// The build tags can change which files build: read the module again
	// with them.
	if g, err = scanTagged(fsys, p.Go.Tags); err != nil {
		return nil, scanError(err)
	}
	return project(fsys, opts, g, p.Go.Tags)
}

// scanError is a Scan error as an input error.
func scanError(err error) error {
	var werr *WorkError
	if errors.As(err, &werr) {
		return &diag.InputError{File: "go.work", Line: werr.Line, Col: werr.Col, Msg: werr.Reason,
			Hint: "run nixgen in the module's own directory, or add replace directives to go.mod for the workspace modules it needs"}
	}
	var in *diag.InputError
	if errors.As(err, &in) {
		return err
	}
	return &diag.InputError{Msg: err.Error(), Err: err}
}

// project is the model of the scanned module g. tags, when not nil, are
// the build tags g was read with.
func project(fsys fs.FS, opts Options, g *Project, tags []string) (*model.Project, error) {
	var err error
	p := &model.Project{
		Language: model.Go,
		Name:     moduleName(g.ModulePath),
		Version:  "",
		Server:   g.Server,
		// What the program is built with: the evidence for its stores.
		Libraries: g.Requires,
		Go: &model.GoInfo{
			ModulePath:    g.ModulePath,
			GoVersion:     g.GoVersion,
			Cgo:           g.Cgo,
			Work:          g.Work != nil,
			LocalReplaces: g.LocalReplaces,
			VendorNull:    g.Vendored || g.NoRequirements,
		},
	}
	if _, err := fs.Stat(fsys, "go.sum"); err == nil {
		p.Go.HasGoSum = true
	}
	p.Submodules = model.MarkSubmodules(opts.Submodules, g.Dirs)
	p.Warnings = append(p.Warnings, g.Warnings...)
	if g.License != "" {
		names, unknown := spdx.Licenses(g.License)
		p.Licenses = names
		for _, u := range unknown {
			p.Warnings = append(p.Warnings, fmt.Sprintf("license %q has no lib.licenses equivalent nixgen knows; left out of meta.license", u))
		}
	} else {
		p.Warnings = append(p.Warnings, "no LICENSE file nixgen could identify; meta.license is left out")
	}

	// One package per program; examples, test programs and plugins are
	// left out of the packages and the checks.
	server := ""
	var leftOut []string
	why := map[string]string{}
	for _, m := range g.Mains {
		if m.LeftOut != "" {
			if _, ok := why[m.LeftOutDir]; !ok {
				leftOut = append(leftOut, m.LeftOutDir)
				why[m.LeftOutDir] = m.LeftOut
			}
			continue
		}
		p.Packages = append(p.Packages, model.Package{
			Name: m.Name, Dir: m.Dir, Binaries: []string{m.Name}, MainProgram: m.Name,
		})
		if m.Server && server == "" {
			server = m.Name
		}
	}
	sort.Slice(p.Packages, func(i, j int) bool { return p.Packages[i].Name < p.Packages[j].Name })
	if len(p.Packages) == 0 {
		msg := "no main package: nixgen packages programs and services, and this module is a library"
		if len(leftOut) > 0 {
			msg = "no main package but examples, test programs or plugins (" + strings.Join(leftOut, ", ") + "): nixgen packages programs and services"
		}
		return nil, &diag.InputError{File: "go.mod", Msg: msg,
			Hint: "run nixgen in a module with a `package main` (the root or cmd/NAME)"}
	}
	for _, dir := range model.Outermost(leftOut) {
		p.Go.LeftOut = append(p.Go.LeftOut, model.GoLeftOut{Dir: dir, Why: why[dir]})
	}
	if p.Default, err = chooseDefault(p, opts.Default, server); err != nil {
		return nil, err
	}

	// The tags and -X values of the default command's builds. Tags can
	// change which files build: then the module is read again with them.
	build := decideBuild(g, mainNamed(g, p.Default))
	if tags != nil {
		build.Tags = tags
	}

	// Version stamping: goreleaser's ldflags, then the build scripts'.
	flags := []string{"-s", "-w"}
	seen := map[string]bool{"-s": true, "-w": true}
	for _, f := range append(g.Ldflags, build.Xflags...) {
		if !seen[f] {
			seen[f] = true
			flags = append(flags, f)
		}
	}
	p.Go.Tags, p.Go.BuildFrom = build.Tags, build.From
	p.Warnings = append(p.Warnings, build.Warnings...)
	if g.VersionVar != "" && !strings.Contains(strings.Join(flags, " "), g.VersionVar+"=") {
		flags = append(flags, "-X "+g.VersionVar+"="+model.VersionPlaceholder)
	}
	p.Go.Ldflags = flags

	// Files the build reads besides *.go, go.mod and go.sum.
	embeds, frontends, warnings, err := embeds(fsys, g.Embeds, opts.EmbedProvided, g.Scripts)
	if err != nil {
		return nil, err
	}
	p.Go.Frontends = frontends
	p.Warnings = append(p.Warnings, warnings...)
	sources := append(embeds, g.LocalReplaces...)
	sources = append(sources, g.OtherSources...)
	testdata, err := testdataDirs(fsys)
	if err != nil {
		return nil, err
	}
	sources = append(sources, testdata...)
	if g.Vendored {
		sources = append(sources, "vendor")
	}
	p.Sources = model.Outermost(sources)
	// What C the build needs: the module's own cgo directives, and its
	// dependencies' when vendor/ holds them (else resolve reads them from
	// `go mod vendor`'s tree; Native maps both).
	p.Go.CLibs, p.Go.Imports = g.CLibs, g.Imports
	p.SkipTests = g.SkipTests
	switch {
	case g.Vendored:
		vendor, err := fs.Sub(fsys, "vendor")
		if err != nil {
			return nil, err
		}
		deps, warnings, err := ReadDependencies(vendor, "vendor", p.Go)
		if err != nil {
			return nil, err
		}
		p.Go.Deps = deps
		p.Warnings = append(p.Warnings, warnings...)
	case g.NoRequirements && len(g.LocalReplaces) == 0:
		p.Go.Deps = &model.GoDeps{} // nothing outside the module
	}

	// The address wiring, for the module; listeners set only in the
	// configuration file get the defaults of the file the project ships.
	p.Surface = &model.Surface{}
	for _, m := range g.Mains {
		if m.Name == p.Default && m.Surface != nil {
			p.Surface = m.Surface
			_, ws := shipcfg.Fill(fsys, shipcfg.Dirs(m.Dir), m.Name, p.Surface)
			p.Warnings = append(p.Warnings, ws...)
		}
	}

	return p, nil
}

// chooseDefault picks packages.default: --bin, else the only command,
// else the one at the module root, else the one named like the module,
// else the server, else the first by name.
func chooseDefault(p *model.Project, want, server string) (string, error) {
	names := make([]string, len(p.Packages))
	for i, pkg := range p.Packages {
		names[i] = pkg.Name
	}
	if want != "" {
		if p.Package(want) == nil {
			return "", diag.Inputf("--bin %q is not a main package; choose one of: %s", want, strings.Join(names, ", "))
		}
		return want, nil
	}
	if len(names) == 1 {
		return names[0], nil
	}
	for _, pkg := range p.Packages {
		if pkg.Dir == "." {
			return pkg.Name, nil
		}
	}
	// cmd/NAME named like the module is the program the module is for.
	for _, pkg := range p.Packages {
		if pkg.Name == p.Name {
			return pkg.Name, nil
		}
	}
	if server != "" {
		return server, nil
	}
	p.Warnings = append(p.Warnings, fmt.Sprintf("several commands (%s); packages.default is %q (pass --bin NAME to choose)", strings.Join(names, ", "), names[0]))
	return names[0], nil
}

// moduleName is the last element of a module path, without a /vN suffix.
func moduleName(modPath string) string {
	base := path.Base(modPath)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(modPath))
	}
	return base
}

// testdataDirs lists the module's testdata directories, which its tests
// read (checks.tests runs them).
func testdataDirs(fsys fs.FS) ([]string, error) {
	var dirs []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || p == "." {
			return err
		}
		name := d.Name()
		switch {
		case name == "testdata":
			dirs = append(dirs, p)
			return fs.SkipDir
		case name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_"):
			return fs.SkipDir
		}
		if _, err := fs.Stat(fsys, path.Join(p, "go.mod")); err == nil {
			return fs.SkipDir // another module
		}
		return nil
	})
	return dirs, err
}

// mainNamed returns the command of that name.
func mainNamed(g *Project, name string) Main {
	for _, m := range g.Mains {
		if m.Name == name && m.LeftOut == "" {
			return m
		}
	}
	return Main{}
}
