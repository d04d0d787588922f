package cargo

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// featureManifest is the part of a Cargo.toml that decides what a build
// compiles: [features] and the dependencies a feature can switch on.
type featureManifest struct {
	Package *struct {
		Name string `toml:"name"`
	} `toml:"package"`
	Features          map[string][]string   `toml:"features"`
	Dependencies      map[string]featureDep `toml:"dependencies"`
	BuildDependencies map[string]featureDep `toml:"build-dependencies"`
	Target            map[string]struct {
		Dependencies      map[string]featureDep `toml:"dependencies"`
		BuildDependencies map[string]featureDep `toml:"build-dependencies"`
	} `toml:"target"`
	Workspace *struct {
		Dependencies map[string]featureDep `toml:"dependencies"`
	} `toml:"workspace"`
}

// featureDep is a dependency as far as features go. A plain version string
// leaves every field at its zero value but noDefault.
type featureDep struct {
	Package   string
	Optional  bool
	NoDefault bool // default-features = false
	Features  []string
	Inherited bool // workspace = true
}

func (d *featureDep) UnmarshalTOML(v any) error {
	t, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	d.Package, _ = t["package"].(string)
	d.Optional, _ = t["optional"].(bool)
	d.Inherited, _ = t["workspace"].(bool)
	for _, k := range []string{"default-features", "default_features"} {
		if b, ok := t[k].(bool); ok {
			d.NoDefault = !b
		}
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

// buildDep is one dependency of a member that a Linux build may compile:
// dev-dependencies never count (the flake's build is what nixpkgs packages
// list inputs for), nor do targets that are only Windows, Apple, Android or
// wasm.
type buildDep struct {
	key   string // the name the manifest uses (a rename, if any)
	crate string // the package name Cargo.lock has
	featureDep
}

type wsCrate struct {
	name      string
	features  map[string][]string
	deps      map[string][]buildDep // by key; a key may repeat across sections
	buildDeps map[string]bool       // keys of build-dependencies
}

// resolution is what the workspace's manifests say a build of some
// packages compiles: the members it builds, the dependencies those members
// use, and every feature it switches on.
type resolution struct {
	members   map[string]bool            // workspace members compiled
	direct    map[string]map[string]bool // member -> crates it uses directly
	features  map[string]bool            // "crate/feature" requested of third-party crates
	defaults  map[string]bool            // third-party crates some member uses with default features
	enabled   map[string]bool            // "member/feature" switched on in workspace members
	activated map[string]bool            // "member/dependency key" of dependencies in use
}

// offers are the "crate/feature" pairs of third-party crates the crate's
// [features] can switch on.
func (c *wsCrate) offers() map[string]bool {
	out := map[string]bool{}
	for _, list := range c.features {
		for _, it := range list {
			dep, feat, slash := strings.Cut(it, "/")
			if !slash || strings.HasPrefix(it, "dep:") {
				continue
			}
			for _, d := range c.deps[strings.TrimSuffix(dep, "?")] {
				out[d.crate+"/"+feat] = true
			}
		}
	}
	return out
}

// featureStart is a package a build selects (cargo -p) and the features it
// asks of it: --no-default-features, and --features as "feature" or
// "dependency/feature".
type featureStart struct {
	name      string
	noDefault bool
	features  []string
}

// featureGraph is the workspace's manifests as far as features go, read
// once and resolved for as many feature choices as needed.
type featureGraph struct {
	crates map[string]*wsCrate
	order  []string // member names in directory order
}

// loadFeatureGraph reads every member's features and dependencies. ok is
// false when a manifest cannot be read again; the caller then treats every
// locked dependency as compiled.
func loadFeatureGraph(fsys fs.FS, members []member) (*featureGraph, bool) {
	var ws map[string]featureDep
	if data, err := projfs.ReadFile(fsys, "Cargo.toml"); err == nil {
		var root featureManifest
		if _, err := diag.DecodeTOML("Cargo.toml", data, &root); err != nil {
			return nil, false
		}
		if root.Workspace != nil {
			ws = root.Workspace.Dependencies
		}
	}
	g := &featureGraph{crates: map[string]*wsCrate{}}
	for _, mb := range members {
		if mb.m.Package == nil {
			continue
		}
		name := path.Join(mb.dir, "Cargo.toml")
		data, err := projfs.ReadFile(fsys, name)
		if err != nil {
			return nil, false
		}
		var fm featureManifest
		if _, err := diag.DecodeTOML(name, data, &fm); err != nil {
			return nil, false
		}
		c := &wsCrate{name: mb.m.Package.Name, features: fm.Features, deps: map[string][]buildDep{}, buildDeps: map[string]bool{}}
		add := func(deps map[string]featureDep, build bool) {
			for key, d := range deps {
				if d.Inherited {
					w := ws[key]
					d.Package = w.Package
					d.NoDefault = w.NoDefault
					d.Features = append(append([]string(nil), w.Features...), d.Features...)
				}
				crate := key
				if d.Package != "" {
					crate = d.Package
				}
				c.deps[key] = append(c.deps[key], buildDep{key: key, crate: crate, featureDep: d})
				if build {
					c.buildDeps[key] = true
				}
			}
		}
		add(fm.Dependencies, false)
		add(fm.BuildDependencies, true)
		targets := make([]string, 0, len(fm.Target))
		for t := range fm.Target {
			targets = append(targets, t)
		}
		sort.Strings(targets)
		for _, t := range targets {
			if linuxTarget(t) {
				add(fm.Target[t].Dependencies, false)
				add(fm.Target[t].BuildDependencies, true)
			}
		}
		g.crates[c.name] = c
		g.order = append(g.order, c.name)
	}
	return g, true
}

// resolveFeatures works out, as Cargo's feature resolver does for the
// manifests it can see, what building starts with their default features
// compiles. Third-party crates are not resolved here: the lock graph and
// the gates do that.
func resolveFeatures(fsys fs.FS, members []member, starts []string) (*resolution, bool) {
	g, ok := loadFeatureGraph(fsys, members)
	if !ok {
		return nil, false
	}
	selected := make([]featureStart, len(starts))
	for i, s := range starts {
		selected[i] = featureStart{name: s}
	}
	return g.resolve(selected)
}

// resolve works out what building starts compiles; ok is false when a
// start is not a workspace package.
func (g *featureGraph) resolve(starts []featureStart) (*resolution, bool) {
	crates := g.crates
	for _, start := range starts {
		if crates[start.name] == nil {
			return nil, false
		}
	}

	r := &resolution{members: map[string]bool{}, direct: map[string]map[string]bool{},
		features: map[string]bool{}, defaults: map[string]bool{}, enabled: map[string]bool{}, activated: map[string]bool{}}
	enabled := r.enabled     // "member/feature"
	activated := r.activated // "member/dep key"
	type weak struct{ member, key, feature string }
	var weaks []weak

	var enable func(c *wsCrate, f string)
	var activate func(c *wsCrate, key string)
	request := func(c *wsCrate, key, f string) {
		for _, d := range c.deps[key] {
			if m := crates[d.crate]; m != nil {
				enable(m, f)
			} else {
				r.features[d.crate+"/"+f] = true
			}
		}
	}
	use := func(c *wsCrate) {
		if r.members[c.name] {
			return
		}
		r.members[c.name] = true
		r.direct[c.name] = map[string]bool{}
		keys := make([]string, 0, len(c.deps))
		for k := range c.deps {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, d := range c.deps[k] {
				if !d.Optional {
					activate(c, k)
				}
			}
		}
	}
	// item enables one entry of a feature list, or of --features.
	item := func(c *wsCrate, item string) {
		switch dep, feat, slash := strings.Cut(item, "/"); {
		case strings.HasPrefix(item, "dep:"):
			activate(c, strings.TrimPrefix(item, "dep:"))
		case slash && strings.HasSuffix(dep, "?"):
			weaks = append(weaks, weak{c.name, strings.TrimSuffix(dep, "?"), feat})
		case slash:
			activate(c, dep)
			request(c, dep, feat)
		default:
			enable(c, item)
		}
	}
	enable = func(c *wsCrate, f string) {
		use(c)
		if enabled[c.name+"/"+f] {
			return
		}
		enabled[c.name+"/"+f] = true
		list, ok := c.features[f]
		if !ok {
			if f != "default" {
				activate(c, f) // the implicit feature of an optional dependency
			}
			return
		}
		for _, it := range list {
			item(c, it)
		}
	}
	activate = func(c *wsCrate, key string) {
		if activated[c.name+"/"+key] {
			return
		}
		activated[c.name+"/"+key] = true
		for _, d := range c.deps[key] {
			r.direct[c.name][d.crate] = true
			if m := crates[d.crate]; m != nil {
				use(m)
				if !d.NoDefault {
					enable(m, "default")
				}
				for _, f := range d.Features {
					enable(m, f)
				}
				continue
			}
			if !d.NoDefault {
				r.defaults[d.crate] = true
			}
			for _, f := range d.Features {
				r.features[d.crate+"/"+f] = true
			}
		}
	}

	for _, start := range starts {
		c := crates[start.name]
		use(c)
		if !start.noDefault {
			enable(c, "default")
		}
		for _, f := range start.features {
			item(c, f)
		}
	}
	// A weak "dep?/feature" applies once dep is on for another reason, which
	// a later item may bring about: repeat until nothing changes.
	for {
		before := len(enabled) + len(activated) + len(r.features)
		for i := 0; i < len(weaks); i++ {
			if w := weaks[i]; activated[w.member+"/"+w.key] {
				request(crates[w.member], w.key, w.feature)
			}
		}
		if len(enabled)+len(activated)+len(r.features) == before {
			break
		}
	}
	return r, true
}

// linuxTarget reports whether a [target.'...'] table may apply to a Linux
// build. Only tables that name another system alone are left out; a cfg
// nixgen cannot judge counts.
func linuxTarget(spec string) bool {
	s := strings.ToLower(spec)
	if strings.Contains(s, "not(") || strings.Contains(s, "any(") || strings.Contains(s, "linux") || strings.Contains(s, "unix") {
		return true
	}
	for _, other := range []string{"windows", "macos", "apple", "darwin", "ios", "android", "wasm", "freebsd", "openbsd", "netbsd"} {
		if strings.Contains(s, other) {
			return false
		}
	}
	return true
}
