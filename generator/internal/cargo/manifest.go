// Package cargo detects a Rust project from Cargo.toml and Cargo.lock.
package cargo

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// manifest is the part of a Cargo.toml that nixgen reads.
type manifest struct {
	Package           *packageSection    `toml:"package"`
	Lib               *target            `toml:"lib"`
	Bin               []target           `toml:"bin"`
	Test              []target           `toml:"test"`
	Workspace         *workspaceSection  `toml:"workspace"`
	Dependencies      map[string]depSpec `toml:"dependencies"`
	DevDependencies   map[string]depSpec `toml:"dev-dependencies"`
	BuildDependencies map[string]depSpec `toml:"build-dependencies"`
	Target            map[string]struct {
		Dependencies      map[string]depSpec `toml:"dependencies"`
		DevDependencies   map[string]depSpec `toml:"dev-dependencies"`
		BuildDependencies map[string]depSpec `toml:"build-dependencies"`
	} `toml:"target"`
}

type packageSection struct {
	Name        string  `toml:"name"`
	Version     field   `toml:"version"`
	Description field   `toml:"description"`
	License     field   `toml:"license"`
	Homepage    field   `toml:"homepage"`
	Repository  field   `toml:"repository"`
	RustVersion field   `toml:"rust-version"`
	DefaultRun  string  `toml:"default-run"`
	Autobins    *bool   `toml:"autobins"`
	Build       any     `toml:"build"` // false, or a path to the build script
	Metadata    any     `toml:"metadata"`
	Publish     any     `toml:"publish"`
	Edition     field   `toml:"edition"`
	Authors     any     `toml:"authors"`
	Keywords    any     `toml:"keywords"`
	Categories  any     `toml:"categories"`
	Readme      any     `toml:"readme"`
	Include     any     `toml:"include"`
	Exclude     any     `toml:"exclude"`
	Links       *string `toml:"links"`
}

type target struct {
	Name string `toml:"name"`
	Path string `toml:"path"`
	// RequiredFeatures: Cargo builds the target only with these on.
	RequiredFeatures []string `toml:"required-features"`
}

type workspaceSection struct {
	Members      []string           `toml:"members"`
	Exclude      []string           `toml:"exclude"`
	DefaultMembs []string           `toml:"default-members"`
	Package      workspacePackage   `toml:"package"`
	Dependencies map[string]depSpec `toml:"dependencies"`
}

type workspacePackage struct {
	Version     string `toml:"version"`
	Description string `toml:"description"`
	License     string `toml:"license"`
	Homepage    string `toml:"homepage"`
	Repository  string `toml:"repository"`
	RustVersion string `toml:"rust-version"`
}

// field is a package field that may be a plain string or
// `{ workspace = true }`, which inherits from [workspace.package].
type field struct {
	Value     string
	Inherited bool
}

func (f *field) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		f.Value = v
	case map[string]any:
		if w, ok := v["workspace"].(bool); ok && w {
			f.Inherited = true
			return nil
		}
		return errors.New("expected a string or { workspace = true }")
	default:
		return fmt.Errorf("expected a string, found %T", v)
	}
	return nil
}

// resolve returns the field's value, taking it from the workspace when inherited.
func (f field) resolve(ws string) string {
	if f.Inherited {
		return ws
	}
	return f.Value
}

// depSpec is a dependency: "1.0" or a table. Only features matter here.
type depSpec struct {
	Package  string   // the real crate name when renamed
	Features []string // features enabled
	Path     string
}

func (d *depSpec) UnmarshalTOML(v any) error {
	t, ok := v.(map[string]any)
	if !ok {
		return nil // a version string: no features
	}
	if p, ok := t["package"].(string); ok {
		d.Package = p
	}
	if p, ok := t["path"].(string); ok {
		d.Path = p
	}
	if fs, ok := t["features"].([]any); ok {
		for _, f := range fs {
			if s, ok := f.(string); ok {
				d.Features = append(d.Features, s)
			}
		}
	}
	return nil
}

// readError is the input error for a manifest or lock file that cannot be
// read: the reason without the path, which the error names already.
func readError(name string, err error) error {
	msg := err.Error()
	if skip, ok := projfs.Skipped(err); ok {
		msg = skip.Why
	} else if inner := errors.Unwrap(err); inner != nil {
		msg = inner.Error()
	}
	return &diag.InputError{File: name, Msg: "cannot read: " + msg, Err: err}
}

// readManifest parses the Cargo.toml at name (a path inside fsys).
func readManifest(fsys fs.FS, name string) (*manifest, error) {
	data, err := projfs.ReadFile(fsys, name)
	if err != nil {
		return nil, readError(name, err)
	}
	var m manifest
	if _, err := diag.DecodeTOML(name, data, &m); err != nil {
		return nil, err
	}
	if m.Package != nil && m.Package.Name == "" {
		return nil, &diag.InputError{File: name, Msg: "[package] has no name"}
	}
	if m.Package == nil && m.Workspace == nil {
		return nil, &diag.InputError{File: name, Msg: "neither [package] nor [workspace] found",
			Hint: "is this a Cargo manifest?"}
	}
	return &m, nil
}

// allDeps calls fn for every dependency declared in m, whatever the section.
func (m *manifest) allDeps(fn func(crate string, d depSpec)) {
	visit := func(deps map[string]depSpec) {
		names := make([]string, 0, len(deps))
		for k := range deps {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			d := deps[k]
			crate := k
			if d.Package != "" {
				crate = d.Package
			}
			fn(crate, d)
		}
	}
	visit(m.Dependencies)
	visit(m.DevDependencies)
	visit(m.BuildDependencies)
	targets := make([]string, 0, len(m.Target))
	for k := range m.Target {
		targets = append(targets, k)
	}
	sort.Strings(targets)
	for _, k := range targets {
		visit(m.Target[k].Dependencies)
		visit(m.Target[k].DevDependencies)
		visit(m.Target[k].BuildDependencies)
	}
	if m.Workspace != nil {
		visit(m.Workspace.Dependencies)
	}
}

// buildScript returns the build script path relative to the crate directory,
// or "" when there is none.
func (m *manifest) buildScript(fsys fs.FS, dir string) string {
	switch b := m.Package.Build.(type) {
	case bool:
		if !b {
			return ""
		}
	case string:
		return b
	}
	if _, err := fs.Stat(fsys, path.Join(dir, "build.rs")); err == nil {
		return "build.rs"
	}
	return ""
}
