// Package plan makes the decisions that follow from the detected project
// and the user's choices: the Rust builder, the extra source paths, the
// service and its address, and the Go toolchain. It changes the model in
// place and runs nothing.
package plan

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/config"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// Project completes p from the choices c, reading fsys only to check that
// included paths exist. It returns the Rust builder ("" for Go) and the
// warnings about what the module cannot control.
func Project(fsys fs.FS, p *model.Project, c choices.Choices) (model.Builder, []string, error) {
	var builder model.Builder
	switch p.Language {
	case model.Rust:
		builder = rustBuilder(c.Builder, p)
	case model.Go:
		if c.Builder != "" {
			return "", nil, diag.Inputf("--builder is for Rust projects; Go projects use buildGoModule")
		}
		if c.Features != nil || c.NoDefaultFeatures != nil {
			return "", nil, &diag.InputError{File: config.FileName, Msg: "features and no-default-features choose Cargo features: they are for Rust projects"}
		}
	}
	if p.Description == "" {
		p.Description = c.Description
	}
	if err := include(fsys, p, c.Include); err != nil {
		return "", nil, err
	}
	warnings := submodules(p)
	serviceWarnings, err := service(p, c)
	if err != nil {
		return "", nil, err
	}
	warnings = append(warnings, serviceWarnings...)
	warnings = append(warnings, skipTests(p, c.SkipTests)...)
	return builder, warnings, nil
}

// skipTests applies nixgen.toml's skip-tests, which replaces the tests
// detection found (keeping what it knows of those it lists), and says
// which tests the check phase skips when nixgen chose them.
func skipTests(p *model.Project, chosen *[]string) []string {
	if chosen == nil {
		if len(p.SkipTests) == 0 {
			return nil
		}
		var list []string
		for _, t := range p.SkipTests {
			list = append(list, fmt.Sprintf("%s (%s): %s", t.Name, t.At, t.Reason))
		}
		what := "test that needs"
		if len(list) > 1 {
			what = fmt.Sprintf("%d tests that need", len(list))
		}
		return []string{fmt.Sprintf("the check phase skips the %s what the Nix sandbox lacks: %s (nixgen.toml: skip-tests)",
			what, strings.Join(list, "; "))}
	}
	found := map[string]model.SkippedTest{}
	for _, t := range p.SkipTests {
		found[t.Name] = t
	}
	p.SkipTests = nil
	for _, name := range model.SortStrings(append([]string(nil), *chosen...)) {
		t, ok := found[name]
		if !ok {
			t = model.SkippedTest{Name: name, Reason: "listed in " + config.FileName, At: config.FileName}
		}
		p.SkipTests = append(p.SkipTests, t)
	}
	return nil
}

// rustBuilder is the user's builder, else crane for a workspace (one
// dependency build shared by every member) and rustPlatform for a single
// crate (nixpkgs only, no extra input).
func rustBuilder(chosen model.Builder, p *model.Project) model.Builder {
	switch {
	case chosen != "":
		return chosen
	case p.Rust.Workspace:
		return model.Crane
	}
	return model.RustPlatform
}

// submodules decides which git submodules the build reads: those
// detection found a member or package in, and those holding or inside an
// extra source path. Each is kept whole, so that the source is the same
// whether or not this checkout has it. It warns about each submodule
// that is not checked out: what is in it was not read.
func submodules(p *model.Project) []string {
	var warnings, keep []string
	for i := range p.Submodules {
		s := &p.Submodules[i]
		for _, src := range p.Sources {
			if src == s.Path || strings.HasPrefix(src, s.Path+"/") || strings.HasPrefix(s.Path, src+"/") {
				s.Build = true
			}
		}
		const update = "run `git submodule update --init --recursive` and rerun nixgen"
		switch {
		case s.Build:
			keep = append(keep, s.Path)
			if !s.CheckedOut {
				warnings = append(warnings, fmt.Sprintf("%s is a git submodule the build needs, and it is not checked out: nixgen read nothing in it, so what it needs (native inputs, features, files, settings) is unknown; %s", s.Path, update))
			}
		case !s.CheckedOut:
			warnings = append(warnings, fmt.Sprintf("%s is a git submodule that is not checked out: nixgen did not read it, and the flake's source leaves it out; if the build needs it, %s", s.Path, update))
		}
	}
	if len(keep) > 0 {
		p.Sources = model.Outermost(append(p.Sources, keep...))
	}
	return warnings
}

// include adds the user's extra source paths.
func include(fsys fs.FS, p *model.Project, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	sources := append([]string(nil), p.Sources...)
	for _, inc := range paths {
		clean := path.Clean(strings.TrimPrefix(inc, "./"))
		if path.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, "../") || clean == ".." {
			return &diag.InputError{File: config.FileName, Msg: fmt.Sprintf("include %q: want a path inside the project, like \"assets\"", inc)}
		}
		if _, err := fs.Stat(fsys, clean); err != nil {
			return &diag.InputError{File: config.FileName, Msg: fmt.Sprintf("include %q does not exist", inc)}
		}
		sources = append(sources, clean)
	}
	p.Sources = model.Outermost(sources)
	return nil
}
