// Package gomod detects what nixgen needs to know about a Go module: its
// main packages, cgo use, vendoring, version stamping, licence and whether
// it is a network server.
//
// Detection is pure: it reads the project through an fs.FS, never runs a
// command and never touches the network. The result is a plain, sorted
// Project, so the same tree always gives the same value.
package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// Project is what Detect learns about the Go module at the root of a tree.
type Project struct {
	ModulePath string // module line of go.mod
	GoVersion  string // go line of go.mod, e.g. "1.22.3"; "" when absent
	Toolchain  string // toolchain line of go.mod, e.g. "go1.22.5"; "" when absent

	// Mains lists every main package of the module, sorted by Dir,
	// including the ones that are not its programs (Main.LeftOut).
	Mains []Main

	// LocalReplaces are the go.mod replace targets that are directories
	// inside the source, relative to the root, cleaned ("lib", not "./lib"),
	// sorted. `go mod vendor` copies them into vendor/ like any module.
	LocalReplaces []string

	// Cgo is true when a non-test file of the module's built packages
	// imports "C" (for linux/amd64 with cgo on); CLibs are the C libraries
	// their #cgo directives name. Imports are the packages outside the
	// module (the standard library left out) they import, sorted.
	Cgo     bool
	CLibs   model.CLibs
	Imports []string

	// Embeds are the //go:embed patterns of the built packages; Scripts
	// the commands of the project's build scripts (Makefile, Dockerfiles,
	// workflows).
	Embeds  []embedPattern
	Scripts []scriptCommand

	// SkipTests are the tests that cannot pass in the Nix sandbox (they
	// need the network, DNS, Docker or a database), sorted by name.
	SkipTests []model.SkippedTest

	// OtherSources are the files and directories besides Go's that the
	// packages compile (C sources, headers, assembly, .syso objects, paths
	// their #cgo flags name), relative to the root, sorted.
	OtherSources []string

	// Dirs are the directories of the built packages, relative to the
	// root, sorted.
	Dirs []string

	// Vendored is true when the source carries vendor/modules.txt (and
	// .gitignore does not exclude vendor/): buildGoModule then needs
	// vendorHash = null.
	Vendored bool
	// NoRequirements is true when go.mod has no require line: there is
	// nothing to vendor and vendorHash must be null.
	NoRequirements bool
	// Requires are the module paths go.mod requires, sorted.
	Requires []string

	// Work is set when the root holds a go.work that buildGoModule can
	// ignore: the derivation must then set `env.GOWORK = "off"`, or
	// `go mod vendor` refuses to run in workspace mode. When the
	// workspace cannot be ignored, Detect returns a *WorkError instead.
	Work *WorkFile

	// Ldflags come from builds[].ldflags of .goreleaser.yaml/.yml, one
	// flag per entry ("-s", "-X main.version=${version}"). Template
	// variables nixgen cannot fill are dropped with their -X flag;
	// {{.Version}} becomes model.VersionPlaceholder, which the renderer must
	// emit as a Nix interpolation, not as an escaped string.
	Ldflags []string

	// Builds are the go build and go install commands of the project's
	// Makefile, Dockerfiles and workflows; LdflagsVars the linker flags
	// they assign to variables. GoreleaserTags are the tags goreleaser's
	// Linux builds share, read at GoreleaserTagsAt ("" when none sets
	// tags).
	Builds           []goBuild
	LdflagsVars      []ldflagsAssignment
	GoreleaserTags   []string
	GoreleaserTagsAt string

	// VersionVar is the -X target for the version, e.g. "main.version" or
	// "example.com/app/internal/buildinfo.Version"; "" when none.
	VersionVar string

	// License is the SPDX id of the licence file when it is unambiguous;
	// "" otherwise. GPL-family ids carry no -only/-or-later suffix
	// ("GPL-3.0"): a licence file alone does not say which.
	License string

	// Server is true when a main package (or a module package it imports)
	// looks like a network server.
	Server bool
	// Warnings are what detection left out, and why, with file:line:
	// files it did not read, values it did not take.
	Warnings []string
}

// Main is one main package.
type Main struct {
	Dir    string // slash-separated directory relative to the root: "." or "cmd/foo"
	Name   string // binary name as `go install` names it
	Server bool   // this command looks like a network server
	// Vars are the package-level variables -X can set in the command
	// ("main.version", "example.com/app/internal/build.Commit"), sorted;
	// Deps the packages outside the module it imports, sorted.
	Vars, Deps []string
	// LeftOut says why this is not one of the module's programs (an
	// example, a test program, a plugin), "" when it is; LeftOutDir is the
	// directory to leave out with it.
	LeftOut, LeftOutDir string
	// Surface is what the command offers and needs at run time; nil
	// when it is not a server.
	Surface *model.Surface
}

// ErrNoGoMod means the root has no go.mod: the tree is not a Go module.
var ErrNoGoMod = errors.New("go.mod: not found at the root: not a Go module")

// Scan reads the Go module at the root of fsys.
//
// It returns ErrNoGoMod (test with errors.Is) when there is no go.mod, a
// *WorkError when a go.work makes the module unbuildable by
// buildGoModule, and a *diag.InputError, a modfile error or a Go syntax
// error (all of the form "go.mod:3:1: ...") when a file is malformed.
func Scan(fsys fs.FS) (*Project, error) { return scanTagged(fsys, nil) }

// scanTagged is Scan for a build with these tags.
func scanTagged(fsys fs.FS, tags []string) (*Project, error) {
	data, err := projfs.ReadFile(fsys, "go.mod")
	if errors.Is(err, fs.ErrNotExist) {
		if werr := workspaceOnly(fsys); werr != nil {
			return nil, werr
		}
		return nil, ErrNoGoMod
	}
	if skip, ok := projfs.Skipped(err); ok {
		return nil, &diag.InputError{File: "go.mod", Msg: "cannot read: " + skip.Why, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	// modfile prefixes every error with "go.mod:line:col".
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return nil, err
	}
	if mf.Module == nil || mf.Module.Mod.Path == "" {
		return nil, &diag.InputError{File: "go.mod", Msg: "no module line", Hint: "add `module <path>` as the first line"}
	}

	p := &Project{
		ModulePath:     mf.Module.Mod.Path,
		NoRequirements: len(mf.Require) == 0,
	}
	for _, r := range mf.Require {
		p.Requires = append(p.Requires, r.Mod.Path)
	}
	sort.Strings(p.Requires)
	if mf.Go != nil {
		p.GoVersion = mf.Go.Version
	}
	if mf.Toolchain != nil {
		p.Toolchain = mf.Toolchain.Name
	}
	if p.Work, err = detectWork(fsys, mf); err != nil {
		return nil, err
	}
	if p.LocalReplaces, err = localReplaces(mf); err != nil {
		return nil, err
	}
	if p.Vendored, err = vendored(fsys); err != nil {
		return nil, err
	}

	warn := func(w string) { p.Warnings = append(p.Warnings, w) }
	ctx := buildContext(fsys, warn)
	ctx.BuildTags = tags
	pkgs, tests, err := loadPackages(fsys, ctx, p.ModulePath)
	if err != nil {
		return nil, err
	}
	pluginHost := slices.ContainsFunc(pkgs, func(pk *pkg) bool { return slices.Contains(pk.Imports, "plugin") })
	for _, pkg := range pkgs {
		if pkg.Name != "main" {
			continue
		}
		dir, why, err := leftOut(fsys, pkg, pluginHost)
		if err != nil {
			return nil, err
		}
		p.Mains = append(p.Mains, Main{Dir: pkg.Dir, Name: binaryName(pkg.ImportPath), LeftOut: why, LeftOutDir: dir})
	}
	pkgs = built(pkgs, p.Mains)
	for _, pk := range pkgs {
		p.Dirs = append(p.Dirs, pk.Dir)
	}
	p.Dirs = sortedUnique(p.Dirs)
	if p.Cgo, p.CLibs, err = cgoNeeds(fsys, ctx, pkgs); err != nil {
		return nil, err
	}
	for _, pk := range pkgs {
		for _, imp := range pk.Imports {
			if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp+"/", p.ModulePath+"/") {
				p.Imports = append(p.Imports, imp)
			}
		}
	}
	p.Imports = sortedUnique(p.Imports)
	if p.OtherSources, err = otherSources(fsys, ctx, pkgs, warn); err != nil {
		return nil, err
	}
	for _, pk := range pkgs {
		p.Embeds = append(p.Embeds, pk.Embeds...)
	}
	var testWarnings []string
	if p.SkipTests, testWarnings, err = sandboxTests(fsys, tests, pkgs, p.Mains); err != nil {
		return nil, err
	}
	p.Warnings = append(p.Warnings, testWarnings...)
	if err := analyseCommands(fsys, p, pkgs); err != nil {
		return nil, err
	}
	if p.Ldflags, err = goreleaserLdflags(fsys, warn); err != nil {
		return nil, err
	}
	if p.GoreleaserTags, p.GoreleaserTagsAt, err = goreleaserTags(fsys); err != nil {
		return nil, err
	}
	if p.Scripts, err = buildScripts(fsys, warn); err != nil {
		return nil, err
	}
	p.Builds, p.LdflagsVars = goBuilds(p.Scripts)
	if p.License, err = detectLicense(fsys, warn); err != nil {
		return nil, err
	}
	return p, nil
}

// localReplaces returns the replace targets that are local directories,
// refusing the ones outside the source: Nix only sees the source.
func localReplaces(mf *modfile.File) ([]string, error) {
	var dirs []string
	for _, r := range mf.Replace {
		if r.New.Version != "" || !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		target := strings.ReplaceAll(r.New.Path, `\`, "/")
		clean := path.Clean(target)
		if path.IsAbs(target) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, &diag.InputError{
				File: "go.mod", Line: r.Syntax.Start.Line, Col: r.Syntax.Start.LineRune,
				Msg:  fmt.Sprintf("replace %s => %s: the target is outside the source, where a Nix build cannot see it", r.Old.Path, r.New.Path),
				Hint: "publish the module and require a version, move it inside the source, or run nixgen at a root that contains it",
			}
		}
		dirs = append(dirs, clean)
	}
	return sortedUnique(dirs), nil
}

// vendored reports a vendor/modules.txt that is part of the source. A
// vendor/ directory that .gitignore excludes is a local artefact that a
// flake's source will not contain.
func vendored(fsys fs.FS) (bool, error) {
	if _, err := fs.Stat(fsys, "vendor/modules.txt"); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("vendor/modules.txt: %w", err)
	}
	data, err := projfs.ReadFile(fsys, ".gitignore")
	if err != nil {
		return true, nil
	}
	for line := range strings.Lines(string(data)) {
		switch strings.TrimSpace(line) {
		case "vendor", "vendor/", "/vendor", "/vendor/", "vendor/*", "/vendor/*":
			return false, nil
		}
	}
	return true, nil
}

// binaryName is the name `go install` gives the command with this import
// path: its last element, skipping a major-version suffix such as "/v2".
func binaryName(importPath string) string {
	dir, elem := path.Split(importPath)
	if dir != "" && isMajorVersion(elem) {
		_, elem = path.Split(strings.TrimSuffix(dir, "/"))
	}
	return elem
}

func isMajorVersion(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' || elem[1] == '0' || (elem[1] == '1' && len(elem) == 2) {
		return false
	}
	for _, c := range elem[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// importPathOf returns the import path of the package in dir.
func importPathOf(modulePath, dir string) string {
	if dir == "." {
		return modulePath
	}
	return modulePath + "/" + dir
}
