package cargo

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/spdx"
)

// Options adjust detection where the files leave a choice open.
type Options struct {
	// Default names the package for packages.default (--bin); empty means
	// choose by the rule documented on chooseDefault.
	Default string
	// Features and NoDefaultFeatures are nixgen.toml's choice of Cargo
	// features ("feature" of the default package, "package/feature" of
	// another); both nil: nixgen chooses, from what the source needs.
	Features          *[]string
	NoDefaultFeatures *bool
	// Submodules are the repository's git submodules: a member in one
	// that is not checked out is not read, and the build keeps it whole.
	Submodules []model.Submodule
}

// member is one workspace member (or the single crate).
type member struct {
	dir string // relative to the root, "." for the root
	m   *manifest
}

// Detect reads the Rust project rooted at fsys.
func Detect(fsys fs.FS, opts Options) (*model.Project, error) {
	root, err := readManifest(fsys, "Cargo.toml")
	if err != nil {
		return nil, err
	}
	members, absent, err := findMembers(fsys, root, opts.Submodules)
	if err != nil {
		return nil, err
	}
	lock, err := readLock(fsys, "Cargo.lock")
	if err != nil {
		return nil, err
	}

	var ws workspacePackage
	if root.Workspace != nil {
		ws = root.Workspace.Package
	}
	p := &model.Project{Language: model.Rust, Rust: &model.RustInfo{Workspace: root.Workspace != nil}}

	targets := map[string][]binTarget{} // each package's executables
	for _, mb := range members {
		if mb.m.Package == nil {
			continue
		}
		if !ident.CrateName(mb.m.Package.Name) {
			return nil, &diag.InputError{File: path.Join(mb.dir, "Cargo.toml"),
				Msg: "package.name is not a Cargo package name (ASCII letters, digits, _ and -, starting with a letter)"}
		}
		bins, warnings := binaries(fsys, mb)
		p.Warnings = append(p.Warnings, warnings...)
		if len(bins) == 0 {
			continue
		}
		pkg := model.Package{
			Name:        mb.m.Package.Name,
			Dir:         mb.dir,
			Version:     orDefault(mb.m.Package.Version.resolve(ws.Version), "0.0.0"),
			Description: mb.m.Package.Description.resolve(ws.Description),
		}
		for _, b := range bins {
			pkg.Binaries = append(pkg.Binaries, b.name)
		}
		targets[pkg.Name] = bins
		p.Packages = append(p.Packages, pkg)
	}
	sort.Slice(p.Packages, func(i, j int) bool { return p.Packages[i].Name < p.Packages[j].Name })
	for i := 1; i < len(p.Packages); i++ {
		if p.Packages[i].Name == p.Packages[i-1].Name {
			return nil, &diag.InputError{File: path.Join(p.Packages[i].Dir, "Cargo.toml"),
				Msg: fmt.Sprintf("package name %q is also used by %s", p.Packages[i].Name, path.Join(p.Packages[i-1].Dir, "Cargo.toml"))}
		}
	}

	// The workspace packages' normal dependencies, for the server
	// decision and the crates the default package's analysis reads.
	memberUses, memberFeatures := memberDeps(members, root)
	serving := servers(memberUses, memberFeatures)
	def, warning, err := chooseDefault(p.Packages, root, opts.Default, serving)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		p.Warnings = append(p.Warnings, warning)
	}
	p.Default = def

	// The features each package is built with, and so the binaries it
	// installs.
	graph, ok := loadFeatureGraph(fsys, members)
	if !ok {
		graph = nil
	}
	warnings, err := chooseFeatures(fsys, members, graph, p, targets, opts)
	if err != nil {
		return nil, err
	}
	p.Warnings = append(p.Warnings, warnings...)

	// Project-level metadata: the root package, else [workspace.package],
	// else the default package.
	var meta *packageSection
	if root.Package != nil {
		meta = root.Package
	} else if def != "" {
		for _, mb := range members {
			if mb.m.Package != nil && mb.m.Package.Name == def {
				meta = mb.m.Package
			}
		}
	}
	pick := func(f func(*packageSection) field, wsValue string) string {
		if meta != nil {
			if v := f(meta).resolve(wsValue); v != "" {
				return v
			}
		}
		return wsValue
	}
	switch {
	case root.Package != nil:
		p.Name = root.Package.Name
	case def != "":
		p.Name = def
	default:
		p.Name = "workspace"
	}
	p.Version = orDefault(pick(func(s *packageSection) field { return s.Version }, ws.Version), "0.0.0")
	p.Description = pick(func(s *packageSection) field { return s.Description }, ws.Description)
	p.Homepage = pick(func(s *packageSection) field { return s.Homepage }, ws.Homepage)
	if p.Homepage == "" {
		p.Homepage = pick(func(s *packageSection) field { return s.Repository }, ws.Repository)
	}
	p.Rust.RustVersion = pick(func(s *packageSection) field { return s.RustVersion }, ws.RustVersion)
	if lic := pick(func(s *packageSection) field { return s.License }, ws.License); lic != "" {
		names, unknown := spdx.Licenses(lic)
		p.Licenses = names
		for _, u := range unknown {
			p.Warnings = append(p.Warnings, fmt.Sprintf("license %q has no lib.licenses equivalent nixgen knows; left out of meta.license (add it by hand)", u))
		}
	}
	for _, s := range []string{p.Name, p.Version, p.Description, p.Homepage} {
		if strings.ContainsRune(s, 0) {
			return nil, &diag.InputError{File: "Cargo.toml", Msg: "metadata contains a NUL byte, which Nix strings cannot hold"}
		}
	}

	// Dependencies: locked crates, enabled features, git sources.
	p.Rust.LockedCrates = lock.crates()
	if p.Rust.GitDeps, err = lock.gitDeps(); err != nil {
		return nil, err
	}
	features := map[string]bool{}
	for _, mb := range members {
		mb.m.allDeps(func(crate string, d depSpec) {
			for _, f := range d.Features {
				features[crate+"/"+f] = true
			}
		})
	}
	if root.Workspace != nil {
		for crate, d := range root.Workspace.Dependencies {
			for _, f := range d.Features {
				features[crate+"/"+f] = true
			}
		}
	}
	p.Libraries = model.SortStrings(append(lock.crates(), slices.Collect(maps.Keys(features))...))
	built := make([]featureStart, len(p.Packages))
	for i, pkg := range p.Packages {
		built[i] = featureStart{name: pkg.Name, noDefault: p.Rust.NoDefaultFeatures, features: pkg.Features}
	}
	nr := nativeDeps(compiledCrates(graph, lock, built))
	p.Native = nr.native
	p.Env = nr.env
	p.Rust.Bindgen = nr.bindgen
	// Whether the default package is a server depends on its own
	// dependencies: a workspace may hold a server and a worker.
	if def := p.Package(p.Default); def != nil {
		own := map[string][]string{}
		for _, mb := range members {
			if mb.dir != def.Dir {
				continue
			}
			mb.m.allDeps(func(crate string, d depSpec) {
				own[crate] = append(own[crate], d.Features...)
				if root.Workspace != nil {
					if ws, ok := root.Workspace.Dependencies[crate]; ok {
						own[crate] = append(own[crate], ws.Features...)
					}
				}
			})
		}
		p.Server = serving[p.Default]
		// The workspace packages it depends on: their constants and
		// configuration types are read too.
		var lib []string
		for _, n := range closure(memberUses, p.Default) {
			for _, mb := range members {
				if mb.m.Package != nil && mb.m.Package.Name == n && n != p.Default {
					lib = append(lib, mb.dir)
				}
			}
		}
		var warnings []string
		if p.Surface, warnings, err = detectListen(fsys, p.Default, def.Dir, lib, own); err != nil {
			return nil, fmt.Errorf("scanning %s for how it listens: %w", def.Dir, err)
		}
		p.Warnings = append(p.Warnings, warnings...)
		// A daemon on plain sockets has no framework among its
		// dependencies, but a listener in its code.
		if p.Surface != nil && len(p.Surface.Listeners) > 0 {
			p.Server = true
		}
	}

	if _, err := fs.Stat(fsys, ".config/nextest.toml"); err == nil {
		p.Rust.Nextest = true
	}

	skipped, warnings, err := sandboxTests(fsys, members)
	if err != nil {
		return nil, err
	}
	p.SkipTests = skipped
	p.Warnings = append(p.Warnings, warnings...)

	src, err := scanSources(fsys, members)
	if err != nil {
		return nil, err
	}
	// A member in a submodule that is not checked out is kept whole: its
	// files could not be read to choose from.
	p.Sources = model.Outermost(append(src.paths, absent...))
	dirs := append([]string(nil), absent...)
	for _, mb := range members {
		dirs = append(dirs, mb.dir)
	}
	p.Submodules = model.MarkSubmodules(opts.Submodules, dirs)
	p.Warnings = append(p.Warnings, src.warnings...)
	if src.sqlxOffline {
		p.Rust.SqlxOffline = true
		p.Env = append(p.Env, model.EnvVar{Name: "SQLX_OFFLINE", Value: `"true"`})
	}
	sort.Slice(p.Env, func(i, j int) bool { return p.Env[i].Name < p.Env[j].Name })
	return p, nil
}

// findMembers returns the workspace members (the root package included),
// sorted by directory, and the directories of members and path
// dependencies inside submodules that are not checked out, which it
// cannot read.
func findMembers(fsys fs.FS, root *manifest, subs []model.Submodule) ([]member, []string, error) {
	members := []member{}
	if root.Package != nil {
		members = append(members, member{dir: ".", m: root})
	}
	if root.Workspace == nil {
		return members, nil, nil
	}
	excluded, literal := map[string]bool{}, map[string]bool{}
	for _, e := range root.Workspace.Exclude {
		excluded[path.Clean(e)] = true
	}
	for _, m := range root.Workspace.Members {
		if !isGlob(m) {
			literal[path.Clean(m)] = true
		}
	}
	// As in Cargo, exclude covers a path and all below it, except what a
	// member named without a glob covers.
	isExcluded := func(d string) bool { return within(excluded, d) && !within(literal, d) }
	dirs := map[string]bool{}
	absent := map[string]bool{}
	// unread reports whether d is in a submodule that is not checked out.
	unread := func(d string) bool {
		s, ok := model.SubmoduleOf(subs, d)
		return ok && !s.CheckedOut
	}
	for _, pattern := range root.Workspace.Members {
		pattern = path.Clean(pattern)
		if strings.HasPrefix(pattern, "../") || path.IsAbs(pattern) {
			return nil, nil, &diag.InputError{File: "Cargo.toml", Msg: fmt.Sprintf("workspace member %q is outside the repository", pattern),
				Hint: "run nixgen at the repository root that contains every member"}
		}
		matches, err := globMembers(fsys, pattern)
		if err != nil {
			return nil, nil, &diag.InputError{File: "Cargo.toml", Msg: fmt.Sprintf("workspace member pattern %q: %v", pattern, err)}
		}
		if len(matches) == 0 && !isGlob(pattern) && unread(pattern) {
			absent[pattern] = true
			continue
		}
		if len(matches) == 0 && !isGlob(pattern) {
			return nil, nil, &diag.InputError{File: "Cargo.toml", Msg: fmt.Sprintf("workspace member %q does not exist", pattern)}
		}
		for _, d := range matches {
			if isExcluded(d) || d == "." {
				continue
			}
			if _, err := fs.Stat(fsys, path.Join(d, "Cargo.toml")); err != nil {
				if isGlob(pattern) {
					continue // globs may match directories that are not crates
				}
				if unread(d) {
					absent[d] = true
					continue
				}
				return nil, nil, &diag.InputError{File: "Cargo.toml", Msg: fmt.Sprintf("workspace member %q has no Cargo.toml", d)}
			}
			dirs[d] = true
		}
	}
	// Path dependencies of the root package inside the root are members too.
	if root.Package != nil {
		root.allDeps(func(_ string, d depSpec) {
			if d.Path == "" {
				return
			}
			d2 := path.Clean(d.Path)
			if !strings.HasPrefix(d2, "../") && !isExcluded(d2) && d2 != "." {
				if _, err := fs.Stat(fsys, path.Join(d2, "Cargo.toml")); err == nil {
					dirs[d2] = true
				} else if unread(d2) {
					absent[d2] = true
				}
			}
		})
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	for _, d := range sorted {
		m, err := readManifest(fsys, path.Join(d, "Cargo.toml"))
		if err != nil {
			return nil, nil, err
		}
		members = append(members, member{dir: d, m: m})
	}
	return members, model.SortStrings(slices.Collect(maps.Keys(absent))), nil
}

// binTarget is an executable a member declares, and the features Cargo
// needs on to build it ([[bin]] required-features).
type binTarget struct {
	name     string
	required []string
}

// binaries lists the executables a member builds, sorted by name, as
// Cargo's target discovery does: [[bin]] sections plus, unless autobins =
// false, src/main.rs and src/bin/*.rs and src/bin/*/main.rs.
func binaries(fsys fs.FS, mb member) ([]binTarget, []string) {
	pkg := mb.m.Package
	names := map[string][]string{} // name -> required features
	claimed := map[string]bool{}   // source paths taken by explicit [[bin]]s
	var warnings []string
	for _, b := range mb.m.Bin {
		name := b.Name
		if name == "" {
			if b.Path == "" {
				warnings = append(warnings, fmt.Sprintf("%s: a [[bin]] has neither name nor path; skipped", path.Join(mb.dir, "Cargo.toml")))
				continue
			}
			name = strings.TrimSuffix(path.Base(b.Path), ".rs")
		}
		names[name] = b.RequiredFeatures
		if b.Path != "" {
			claimed[path.Clean(b.Path)] = true
		} else if name == pkg.Name {
			claimed["src/main.rs"] = true
		} else {
			claimed["src/bin/"+name+".rs"] = true
			claimed["src/bin/"+name+"/main.rs"] = true
		}
	}
	if pkg.Autobins == nil || *pkg.Autobins {
		exists := func(rel string) bool {
			st, err := fs.Stat(fsys, path.Join(mb.dir, rel))
			return err == nil && !st.IsDir()
		}
		add := func(name string) {
			if _, ok := names[name]; !ok {
				names[name] = nil
			}
		}
		if exists("src/main.rs") && !claimed["src/main.rs"] {
			add(pkg.Name)
		}
		entries, err := fs.ReadDir(fsys, path.Join(mb.dir, "src/bin"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			warnings = append(warnings, err.Error())
		}
		for _, e := range entries {
			switch {
			case !e.IsDir() && strings.HasSuffix(e.Name(), ".rs"):
				if !claimed["src/bin/"+e.Name()] {
					add(strings.TrimSuffix(e.Name(), ".rs"))
				}
			case e.IsDir() && exists("src/bin/"+e.Name()+"/main.rs"):
				if !claimed["src/bin/"+e.Name()+"/main.rs"] {
					add(e.Name())
				}
			}
		}
	}
	out := make([]binTarget, 0, len(names))
	for n, req := range names {
		out = append(out, binTarget{name: n, required: req})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, warnings
}

// mainProgram picks the executable `nix run` starts: default-run, else the
// only binary, else the one named like the package, else the first.
func mainProgram(mb member, bins []string) (string, []string) {
	pkg := mb.m.Package
	if pkg.DefaultRun != "" {
		for _, b := range bins {
			if b == pkg.DefaultRun {
				return b, nil
			}
		}
		return bins[0], []string{fmt.Sprintf("%s: default-run %q is not one of the binaries %v; using %q",
			path.Join(mb.dir, "Cargo.toml"), pkg.DefaultRun, bins, bins[0])}
	}
	if len(bins) == 1 {
		return bins[0], nil
	}
	for _, b := range bins {
		if b == pkg.Name {
			return b, nil
		}
	}
	return bins[0], []string{fmt.Sprintf("%s: several binaries %v and no default-run; `nix run` starts %q (set default-run to choose)",
		path.Join(mb.dir, "Cargo.toml"), bins, bins[0])}
}

// chooseDefault picks packages.default: the requested one, else the root
// package when it builds a binary, else the only binary package, else the
// only one among workspace.default-members, else the first by name (with a
// warning that says how to choose).
func chooseDefault(pkgs []model.Package, root *manifest, want string, server map[string]bool) (string, string, error) {
	if len(pkgs) == 0 {
		if want != "" {
			return "", "", diag.Inputf("--bin %q: the project builds no binaries", want)
		}
		return "", "", nil
	}
	names := make([]string, len(pkgs))
	for i, p := range pkgs {
		names[i] = p.Name
	}
	has := func(n string) bool {
		for _, x := range names {
			if x == n {
				return true
			}
		}
		return false
	}
	if want != "" {
		if !has(want) {
			return "", "", diag.Inputf("--bin %q is not a package with binaries; choose one of: %s", want, strings.Join(names, ", "))
		}
		return want, "", nil
	}
	if root.Package != nil && has(root.Package.Name) {
		return root.Package.Name, "", nil
	}
	if len(names) == 1 {
		return names[0], "", nil
	}
	if root.Workspace != nil {
		var defaults []string
		for _, d := range root.Workspace.DefaultMembs {
			for _, p := range pkgs {
				if p.Dir == path.Clean(d) {
					defaults = append(defaults, p.Name)
				}
			}
		}
		if len(defaults) == 1 {
			return defaults[0], "", nil
		}
	}
	// The binary that serves: a server framework among its own
	// dependencies or those of the workspace crates it uses. Among several,
	// one named like a server.
	var serving []string
	for _, n := range names {
		if server[n] {
			serving = append(serving, n)
		}
	}
	if len(serving) == 1 {
		return serving[0], "", nil
	}
	if len(serving) > 1 {
		for _, n := range serving {
			if serverName(n) {
				return n, fmt.Sprintf("several binary packages serve (%s); packages.default is %q, named like a server (pass --bin NAME to choose)",
					strings.Join(serving, ", "), n), nil
			}
		}
		names = serving
	}
	return names[0], fmt.Sprintf("several binary packages (%s); packages.default is %q (pass --bin NAME to choose)",
		strings.Join(names, ", "), names[0]), nil
}

// serverName reports whether a package is named like the one that serves.
func serverName(name string) bool {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		switch w {
		case "server", "serve", "daemon", "srv", "web", "api", "service", "backend":
			return true
		}
	}
	return false
}

// servers tells, for each workspace package, whether it depends on a server
// framework itself or through the workspace crates it uses (normal
// dependencies only: a dev-dependency serves tests).
func servers(deps map[string][]string, own map[string]map[string][]string) map[string]bool {
	direct := map[string]bool{} // package -> a server crate among its dependencies
	for name := range deps {
		direct[name] = looksLikeServer(own[name])
	}
	out := map[string]bool{}
	for name := range direct {
		for _, d := range closure(deps, name) {
			out[name] = out[name] || direct[d]
		}
	}
	return out
}

// memberDeps returns, for each package of the workspace, the names of its
// normal dependencies, and those with the features enabled on them
// (workspace = true ones with the workspace's).
func memberDeps(members []member, root *manifest) (deps map[string][]string, own map[string]map[string][]string) {
	deps, own = map[string][]string{}, map[string]map[string][]string{}
	for _, mb := range members {
		if mb.m.Package == nil {
			continue
		}
		name := mb.m.Package.Name
		feats := map[string][]string{}
		visit := func(ds map[string]depSpec) {
			for k, d := range ds {
				crate := k
				if d.Package != "" {
					crate = d.Package
				}
				feats[crate] = append(feats[crate], d.Features...)
				if root.Workspace != nil {
					if ws, ok := root.Workspace.Dependencies[crate]; ok {
						feats[crate] = append(feats[crate], ws.Features...)
					}
				}
				deps[name] = append(deps[name], crate)
			}
		}
		visit(mb.m.Dependencies)
		for _, t := range mb.m.Target {
			visit(t.Dependencies)
		}
		if _, ok := deps[name]; !ok {
			deps[name] = nil
		}
		own[name] = feats
	}
	return deps, own
}

// closure is name and the workspace packages it depends on, directly or
// not, sorted.
func closure(deps map[string][]string, name string) []string {
	seen := map[string]bool{name: true}
	queue := []string{name}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, d := range deps[n] {
			if _, member := deps[d]; member && !seen[d] {
				seen[d] = true
				queue = append(queue, d)
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// serverCrates are direct dependencies that mark a project as a network
// service. hyper counts only with its "server" feature: clients use it too.
var serverCrates = []string{
	"actix-web", "axum", "gotham", "loco-rs", "ntex", "poem", "rocket",
	"salvo", "tide", "tiny_http", "tonic", "trillium", "warp",
}

func looksLikeServer(direct map[string][]string) bool {
	for _, c := range serverCrates {
		if _, ok := direct[c]; ok {
			return true
		}
	}
	for _, f := range direct["hyper"] {
		if f == "server" || f == "full" {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
