package cargo

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/nixgen/nixgen/generator/internal/gitignore"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
	"github.com/nixgen/nixgen/generator/internal/rustsrc"
)

type sourceScan struct {
	paths       []string
	warnings    []string
	sqlxOffline bool
}

// scanSources finds the extra files each member's build reads.
func scanSources(fsys fs.FS, members []member) (sourceScan, error) {
	var s sourceScan
	keep := map[string]bool{}
	var macroCrates []string // members whose sources use sqlx's query macros
	seen := map[string]bool{}
	// A crate's files are read with the crate they belong to: paths in
	// them are relative to that crate, not to a package above it.
	isMember := map[string]bool{}
	for _, mb := range members {
		isMember[mb.dir] = mb.m.Package != nil
	}

	add := func(at, via, base, rel string) {
		if rel == "" || path.IsAbs(rel) {
			return
		}
		p := path.Clean(path.Join(base, rel))
		if p == "." || strings.HasPrefix(p, "../") || p == ".." {
			s.warnings = append(s.warnings, fmt.Sprintf("%s: %s reads %q, outside the repository; the Nix build cannot see it", at, via, rel))
			return
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			s.warnings = append(s.warnings, fmt.Sprintf("%s: %s reads %s, which does not exist; the build will fail until it does", at, via, p))
			return
		}
		if !cargoFiltered(p) {
			keep[p] = true
		}
	}
	// maybe keeps what a test's string literal names, when it exists.
	maybe := func(base, rel string) {
		p := path.Clean(path.Join(base, rel))
		if strings.HasPrefix(p, "../") || p == ".." || p == "." || hasGitDir(p) || cargoFiltered(p) {
			return
		}
		if projfs.Check(fsys, p) == nil {
			keep[p] = true
		}
	}

	for _, mb := range members {
		if mb.m.Package == nil {
			continue
		}
		var files []rustsrc.File
		err := fs.WalkDir(fsys, mb.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != mb.dir && (skipDir(d.Name()) || isMember[p]) {
					return fs.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".rs") || seen[p] {
				return nil
			}
			seen[p] = true
			data, err := projfs.ReadFile(fsys, p)
			if skip, ok := projfs.Skipped(err); ok {
				s.warnings = append(s.warnings, skip.Error())
				return nil
			}
			if err != nil {
				return err
			}
			files = append(files, rustsrc.File{Path: p, Src: data})
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return s, fmt.Errorf("scanning %s: %w", mb.dir, err)
		}
		tests := path.Join(mb.dir, "tests") + "/"
		reads, err := rustsrc.FindReads(files, func(p string) bool { return strings.HasPrefix(p, tests) })
		if err != nil {
			return s, err
		}
		for _, r := range reads.Paths {
			base := mb.dir
			if r.Base == rustsrc.FromFile {
				base = path.Dir(r.File)
			}
			if r.Maybe {
				maybe(base, r.Path)
				continue
			}
			add(r.At, r.Via, base, r.Path)
		}
		if reads.Templates {
			for _, dir := range templateDirs(fsys, mb.dir) {
				add(path.Join(mb.dir, "Cargo.toml"), "askama", mb.dir, dir)
			}
		}
		s.warnings = append(s.warnings, reads.Unknown...)
		if reads.QueryMacros {
			macroCrates = append(macroCrates, mb.dir)
		}

		// Paths named in the build script.
		if script := mb.m.buildScript(fsys, mb.dir); script != "" {
			bp := path.Join(mb.dir, script)
			data, err := projfs.ReadFile(fsys, bp)
			if skip, ok := projfs.Skipped(err); ok {
				s.warnings = append(s.warnings, skip.Error())
			}
			var lits []string
			if err == nil {
				if lits, err = rustsrc.Literals(rustsrc.File{Path: bp, Src: data}); err != nil {
					return s, err
				}
			}
			if err == nil {
				for _, lit := range lits {
					for _, prefix := range []string{"cargo::rerun-if-changed=", "cargo:rerun-if-changed="} {
						lit = strings.TrimPrefix(lit, prefix)
					}
					if !plausiblePath(lit) {
						continue
					}
					p := path.Clean(path.Join(mb.dir, lit))
					if strings.HasPrefix(p, "../") || p == mb.dir || p == path.Join(mb.dir, "src") || hasGitDir(p) {
						continue // never the repository's own .git: it is not in any source
					}
					if _, err := fs.Stat(fsys, p); err == nil && !cargoFiltered(p) {
						keep[p] = true
					}
				}
			}
		}

		// sqlx's offline query data, per crate or for the whole workspace.
		for _, dir := range []string{mb.dir, "."} {
			q := path.Join(dir, ".sqlx")
			if st, err := fs.Stat(fsys, q); err == nil && st.IsDir() {
				keep[q] = true
				s.sqlxOffline = true
			}
		}
	}
	// Without offline data (SQLX_OFFLINE is set for the whole build when
	// there is any), the macros connect to the DATABASE_URL of a .env.
	if !s.sqlxOffline {
		ign := gitignore.New(fsys)
		for _, dir := range macroCrates {
			paths, warnings := sqlxLiveDatabase(fsys, ign, dir)
			for _, p := range paths {
				keep[p] = true
			}
			for _, w := range warnings {
				if !slices.Contains(s.warnings, w) {
					s.warnings = append(s.warnings, w)
				}
			}
		}
	}

	all := make([]string, 0, len(keep))
	for p := range keep {
		all = append(all, p)
	}
	s.paths = model.Outermost(all)
	return s, nil
}

// hasGitDir reports whether p is or is inside a .git directory.
func hasGitDir(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == ".git" {
			return true
		}
	}
	return false
}

// templateDirs are the directories askama reads templates from, relative
// to the crate: those its askama.toml (in the crate, else the workspace
// root) names, else templates/. (askama.toml itself is a .toml file, which
// the source keeps anyway.)
func templateDirs(fsys fs.FS, crate string) []string {
	for _, dir := range []string{crate, "."} {
		data, err := projfs.ReadFile(fsys, path.Join(dir, "askama.toml"))
		if err != nil {
			continue
		}
		var conf struct {
			General struct {
				Dirs []string `toml:"dirs"`
			} `toml:"general"`
		}
		if _, err := toml.Decode(string(data), &conf); err == nil && len(conf.General.Dirs) > 0 {
			return conf.General.Dirs
		}
	}
	return []string{"templates"}
}

// cargoFiltered reports whether crane's commonCargoSources (and nixgen's
// rustPlatform source filter) already keeps the file.
func cargoFiltered(p string) bool {
	return strings.HasSuffix(p, ".rs") || strings.HasSuffix(p, ".toml") || path.Base(p) == "Cargo.lock"
}

// skipDir names directories never scanned for sources.
func skipDir(name string) bool {
	return name == "target" || name == "node_modules" || (strings.HasPrefix(name, ".") && name != ".sqlx")
}

// plausiblePath filters build-script string literals down to ones that
// look like relative paths (file names, not format strings or messages).
func plausiblePath(s string) bool {
	if s == "" || s == "." || s == ".." || path.IsAbs(s) || len(s) > 200 {
		return false
	}
	return !strings.ContainsAny(s, " {}\n\t=:;*?$")
}
