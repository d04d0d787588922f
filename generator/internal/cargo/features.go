package cargo

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
	"github.com/nixgen/nixgen/generator/internal/rustsrc"
)

// The Cargo features each package is built with. By default Cargo builds a
// package with its default features, which is not always a build that
// works: a crate may stop with compile_error! unless one of its backends is
// on, a build script may download an asset (the Nix sandbox has no
// network) behind a default feature, and a [[bin]] may need features the
// defaults leave off. nixgen reads these in the source and chooses the
// features explicitly, with a warning; nixgen.toml's features and
// no-default-features record the choice for the user to change.

// configFile names nixgen.toml in errors about its feature keys.
const configFile = "nixgen.toml"

// limit is what stops a member's build when its features make when hold
// (and, for a download through an optional build-dependency, when that
// dependency is in use): a compile_error! guard, or a download in its
// build script.
type limit struct {
	member   string
	when     rustsrc.Cfg
	viaDep   string // the optional build-dependency a download needs
	at       string
	download string   // the client a build script downloads with; "" for a guard
	message  string   // the compile_error!'s message
	hints    []string // words of the message, which may name the feature to use
}

func (l limit) key() string { return l.at + "\x00" + l.when.String() }

// describe says what the limit does, for a warning.
func (l limit) describe() string {
	if l.download == "" {
		msg := l.message
		if len(msg) > 80 {
			msg = msg[:77] + "..."
		}
		return fmt.Sprintf("%s: compile_error!(%q) under cfg(%s)", l.at, msg, l.when)
	}
	var when []string
	if l.when.Op != "true" {
		when = append(when, fmt.Sprintf("under cfg(%s)", l.when))
	}
	if l.viaDep != "" {
		when = append(when, "through the optional build-dependency "+l.viaDep)
	}
	if len(when) > 0 {
		return fmt.Sprintf("%s: the build script downloads with %s (%s), which the Nix sandbox forbids", l.at, l.download, strings.Join(when, ", "))
	}
	return fmt.Sprintf("%s: the build script downloads with %s, which the Nix sandbox forbids", l.at, l.download)
}

// readLimits reads every member's compile_error! guards (its build script
// included) and its build script's downloads.
func readLimits(fsys fs.FS, members []member, g *featureGraph) ([]limit, []string, error) {
	var out []limit
	var warnings []string
	for _, mb := range members {
		if mb.m.Package == nil || g.crates[mb.m.Package.Name] == nil {
			continue
		}
		crate := g.crates[mb.m.Package.Name]
		files, w, err := rustFiles(fsys, mb.dir)
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", mb.dir, err)
		}
		warnings = append(warnings, w...)
		var script *rustsrc.File
		if s := mb.m.buildScript(fsys, mb.dir); s != "" {
			p := path.Join(mb.dir, s)
			data, err := projfs.ReadFile(fsys, p)
			if skip, ok := projfs.Skipped(err); ok {
				warnings = append(warnings, skip.Error())
			} else if err == nil {
				script = &rustsrc.File{Path: p, Src: data}
				files = append(files, *script)
			}
		}
		var guarded []rustsrc.File
		for _, f := range files {
			if bytes.Contains(f.Src, []byte("compile_error")) {
				guarded = append(guarded, f)
			}
		}
		guards, err := rustsrc.Guards(guarded)
		if err != nil {
			return nil, nil, err
		}
		for _, gd := range guards {
			out = append(out, limit{member: crate.name, when: gd.When, at: gd.At, message: gd.Message, hints: words(gd.Message)})
		}
		if script == nil {
			continue
		}
		downloads, err := rustsrc.Downloads(*script, slices.Sorted(maps.Keys(crate.features)))
		if err != nil {
			return nil, nil, err
		}
		for _, d := range downloads {
			l := limit{member: crate.name, when: d.When, at: d.At, download: d.Via}
			// A client the manifest makes an optional build-dependency
			// downloads only when a feature switches it on.
			client, _, _ := strings.Cut(d.Via, " ")
			if deps := crate.deps[client]; len(deps) > 0 && crate.buildDeps[client] && deps[0].Optional {
				l.viaDep = client
			}
			out = append(out, l)
		}
	}
	return out, warnings, nil
}

// words are the identifiers of a message: compile_error!("build with
// --features sqlite") names the feature to choose.
func words(msg string) []string {
	return strings.FieldsFunc(msg, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
}

// pkgFeatures is how one package is built: --no-default-features and
// --features, each a feature of the package or "dependency/feature".
type pkgFeatures struct {
	noDefault bool
	features  []string
}

// featurePlan chooses the features of the packages the flake builds.
type featurePlan struct {
	g      *featureGraph
	limits []limit
}

// failing are the limits that stop building pkg with sel.
func (fp *featurePlan) failing(pkg string, sel pkgFeatures) []limit {
	r, ok := fp.g.resolve([]featureStart{{name: pkg, noDefault: sel.noDefault, features: sel.features}})
	if !ok {
		return nil
	}
	var out []limit
	for _, l := range fp.limits {
		if !r.members[l.member] {
			continue
		}
		member := l.member
		on := func(f string) bool { return r.enabled[member+"/"+f] }
		if l.when.Holds(on) && (l.viaDep == "" || r.activated[member+"/"+l.viaDep]) {
			out = append(out, l)
		}
	}
	return out
}

// solve finds features that build pkg: base (what its binary needs) with
// the defaults, else with one more of its features, else without the
// default features that stop the build (keeping the others), with one
// more feature if need be. ok is false when none of these builds.
func (fp *featurePlan) solve(pkg string, base []string) (pkgFeatures, bool) {
	with := func(sel pkgFeatures, f string) pkgFeatures {
		return pkgFeatures{noDefault: sel.noDefault, features: append(slices.Clone(sel.features), f)}
	}
	sel := pkgFeatures{features: base}
	failing := fp.failing(pkg, sel)
	if len(failing) == 0 {
		return sel, true
	}
	for _, f := range fp.candidates(pkg, sel, failing) {
		if len(fp.failing(pkg, with(sel, f))) == 0 {
			return with(sel, f), true
		}
	}
	// Without the defaults: keep each default item that stops nothing.
	kept := pkgFeatures{noDefault: true, features: slices.Clone(base)}
	for _, item := range fp.g.crates[pkg].features["default"] {
		if !cliFeature(item) || slices.Contains(kept.features, item) {
			continue
		}
		if covered(fp.failing(pkg, with(kept, item)), fp.failing(pkg, kept)) {
			kept = with(kept, item)
		}
	}
	failing = fp.failing(pkg, kept)
	if len(failing) == 0 {
		return kept, true
	}
	for _, f := range fp.candidates(pkg, kept, failing) {
		if len(fp.failing(pkg, with(kept, f))) == 0 {
			return with(kept, f), true
		}
	}
	return sel, false
}

// candidates are the features of pkg to try adding, most likely first:
// those the failing limits' messages name, those their predicates name,
// then the others by name.
func (fp *featurePlan) candidates(pkg string, sel pkgFeatures, failing []limit) []string {
	own := fp.g.crates[pkg].features
	var out []string
	add := func(f string) {
		if _, ok := own[f]; ok && f != "default" && !slices.Contains(out, f) && !slices.Contains(sel.features, f) {
			out = append(out, f)
		}
	}
	for _, l := range failing {
		for _, w := range l.hints {
			add(w)
		}
	}
	for _, l := range failing {
		for _, f := range l.when.Features() {
			add(f)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(own)) {
		add(f)
	}
	return out
}

// covered reports whether every limit in a is in b.
func covered(a, b []limit) bool {
	for _, l := range a {
		if !slices.ContainsFunc(b, func(m limit) bool { return m.key() == l.key() }) {
			return false
		}
	}
	return true
}

// cliFeature reports whether a feature list item can be passed to
// --features: a feature, or "dependency/feature" (not "dep:x" nor a weak
// "x?/feature").
func cliFeature(item string) bool {
	return !strings.HasPrefix(item, "dep:") && !strings.Contains(item, "?")
}

// builds reports whether Cargo builds a binary with the resolved features
// of pkg.
func builds(bin binTarget, pkg string, r *resolution) bool {
	for _, f := range bin.required {
		if dep, _, ok := strings.Cut(f, "/"); ok {
			if !r.activated[pkg+"/"+strings.TrimSuffix(dep, "?")] {
				return false
			}
		} else if !r.enabled[pkg+"/"+f] {
			return false
		}
	}
	return true
}

// chooseFeatures decides the features of every package p builds (with
// what opts says nixgen.toml chose, or by reading the source), keeps the
// binaries those features build and picks each package's main program.
func chooseFeatures(fsys fs.FS, members []member, g *featureGraph, p *model.Project, targets map[string][]binTarget, opts Options) ([]string, error) {
	byName := map[string]member{}
	for _, mb := range members {
		if mb.m.Package != nil {
			byName[mb.m.Package.Name] = mb
		}
	}
	var warnings []string
	if g == nil {
		// The manifests could not be read again: the defaults, every binary.
		for i := range p.Packages {
			pkg := &p.Packages[i]
			var w []string
			pkg.MainProgram, w = mainProgram(byName[pkg.Name], pkg.Binaries)
			warnings = append(warnings, w...)
		}
		return warnings, nil
	}
	limits, w, err := readLimits(fsys, members, g)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, w...)
	fp := &featurePlan{g: g, limits: limits}

	chosen := map[string]pkgFeatures{}
	user := opts.Features != nil || opts.NoDefaultFeatures != nil
	if user {
		if chosen, err = userFeatures(g, p, opts); err != nil {
			return nil, err
		}
	} else {
		anyNoDefault := false
		for _, pkg := range p.Packages {
			// The binary Cargo would not build with the defaults: its
			// required features, when the package has no other.
			var base []string
			r, _ := g.resolve([]featureStart{{name: pkg.Name}})
			if !slices.ContainsFunc(targets[pkg.Name], func(b binTarget) bool { return builds(b, pkg.Name, r) }) {
				main := mainTarget(byName[pkg.Name], targets[pkg.Name])
				base = slices.Clone(main.required)
				warnings = append(warnings, fmt.Sprintf("%s: every binary needs features the defaults leave off; flake.nix turns on %s for %q (nixgen.toml: features)",
					path.Join(byName[pkg.Name].dir, "Cargo.toml"), strings.Join(base, ", "), main.name))
			}
			sel, ok := fp.solve(pkg.Name, base)
			if !ok {
				chosen[pkg.Name] = sel
				continue
			}
			chosen[pkg.Name] = sel
			anyNoDefault = anyNoDefault || sel.noDefault
			for _, l := range fp.failing(pkg.Name, pkgFeatures{features: base}) {
				warnings = append(warnings, fmt.Sprintf("%s; the default features of %s hit it, so flake.nix builds it with %s (nixgen.toml: features, no-default-features)",
					l.describe(), pkg.Name, sel.describe()))
			}
		}
		// --no-default-features is one flag for every package: the others
		// keep their defaults by naming them.
		if anyNoDefault {
			for _, pkg := range p.Packages {
				sel := chosen[pkg.Name]
				if sel.noDefault {
					continue
				}
				sel.noDefault = true
				for _, item := range g.crates[pkg.Name].features["default"] {
					if cliFeature(item) {
						sel.features = append(sel.features, item)
					} else {
						warnings = append(warnings, fmt.Sprintf("%s: the default feature item %q cannot be passed to --features, and the build turns the defaults off: it is left out",
							path.Join(byName[pkg.Name].dir, "Cargo.toml"), item))
					}
				}
				chosen[pkg.Name] = sel
			}
		}
	}

	for i := range p.Packages {
		pkg := &p.Packages[i]
		sel := chosen[pkg.Name]
		for _, l := range fp.failing(pkg.Name, sel) {
			msg := fmt.Sprintf("%s; nixgen found no features of %s that avoid it: the build will fail", l.describe(), pkg.Name)
			if user {
				msg = fmt.Sprintf("%s; the features nixgen.toml chooses for %s (%s) hit it: the build will fail", l.describe(), pkg.Name, sel.describe())
			}
			warnings = append(warnings, msg+" (nixgen.toml: features, no-default-features)")
		}
		r, _ := g.resolve([]featureStart{{name: pkg.Name, noDefault: sel.noDefault, features: sel.features}})
		var built []string
		for _, b := range targets[pkg.Name] {
			if builds(b, pkg.Name, r) {
				built = append(built, b.name)
				continue
			}
			warnings = append(warnings, fmt.Sprintf("%s: binary %q needs the features %s, which the build leaves off: it is not built (nixgen.toml: features)",
				path.Join(pkg.Dir, "Cargo.toml"), b.name, strings.Join(b.required, ", ")))
		}
		if len(built) == 0 {
			return nil, &diag.InputError{File: configFile, Msg: fmt.Sprintf("with %s, package %s builds none of its binaries (%s)",
				sel.describe(), pkg.Name, strings.Join(pkg.Binaries, ", ")),
				Hint: "add the features its [[bin]] required-features name to features"}
		}
		pkg.Binaries = built
		pkg.Features = model.SortStrings(slices.Clone(sel.features))
		p.Rust.NoDefaultFeatures = p.Rust.NoDefaultFeatures || sel.noDefault
		var w []string
		pkg.MainProgram, w = mainProgram(byName[pkg.Name], built)
		warnings = append(warnings, w...)
	}
	return warnings, nil
}

// describe names a choice of features for a warning.
func (sel pkgFeatures) describe() string {
	base := "its default features"
	if sel.noDefault {
		base = "no default features"
	}
	if len(sel.features) == 0 {
		return base
	}
	return base + " plus " + strings.Join(sel.features, ", ")
}

// mainTarget is the binary a package is for: default-run, else the one
// named like the package, else the first by name.
func mainTarget(mb member, bins []binTarget) binTarget {
	for _, want := range []string{mb.m.Package.DefaultRun, mb.m.Package.Name} {
		for _, b := range bins {
			if want != "" && b.name == want {
				return b
			}
		}
	}
	return bins[0]
}

// userFeatures reads nixgen.toml's choice: "feature" is one of the default
// package's, "package/feature" one of another package's; a feature may be
// "dependency/feature" (Cargo's own syntax) in either.
func userFeatures(g *featureGraph, p *model.Project, opts Options) (map[string]pkgFeatures, error) {
	noDefault := opts.NoDefaultFeatures != nil && *opts.NoDefaultFeatures
	chosen := map[string]pkgFeatures{}
	for _, pkg := range p.Packages {
		chosen[pkg.Name] = pkgFeatures{noDefault: noDefault}
	}
	if opts.Features == nil {
		return chosen, nil
	}
	for _, entry := range *opts.Features {
		pkg, f := p.Default, entry
		parts := strings.Split(entry, "/")
		if _, built := chosen[parts[0]]; len(parts) == 3 || len(parts) == 2 && built {
			pkg, f = parts[0], strings.Join(parts[1:], "/")
		}
		sel, ok := chosen[pkg]
		if !ok {
			names := make([]string, len(p.Packages))
			for i, x := range p.Packages {
				names[i] = x.Name
			}
			return nil, &diag.InputError{File: configFile, Msg: fmt.Sprintf("features %q: %s is not a package the flake builds (%s)", entry, pkg, strings.Join(names, ", "))}
		}
		c := g.crates[pkg]
		if dep, _, ok := strings.Cut(f, "/"); ok {
			if len(c.deps[dep]) == 0 {
				return nil, &diag.InputError{File: configFile, Msg: fmt.Sprintf("features %q: %s is neither a package the flake builds nor a dependency of %s", entry, dep, pkg)}
			}
		} else {
			_, declared := c.features[f]
			optional := slices.ContainsFunc(c.deps[f], func(d buildDep) bool { return d.Optional })
			if !declared && !optional {
				return nil, &diag.InputError{File: configFile, Msg: fmt.Sprintf("features %q: package %s has no feature %q (it has: %s)",
					entry, pkg, f, strings.Join(slices.DeleteFunc(slices.Sorted(maps.Keys(c.features)), func(s string) bool { return s == "default" }), ", "))}
			}
		}
		if !slices.Contains(sel.features, f) {
			sel.features = append(sel.features, f)
		}
		chosen[pkg] = sel
	}
	for name, sel := range chosen {
		sort.Strings(sel.features)
		chosen[name] = sel
	}
	return chosen, nil
}
