package cargo

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/nixgen/nixgen/generator/internal/gitignore"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// Files a Rust build reads that a Cargo-aware source filter (crane's
// commonCargoSources keeps *.rs, *.toml and Cargo.lock) would drop.
var (
	strLit = `"((?:[^"\\]|\\.)*)"`
	// include_str!("x") and include_bytes!("x"): relative to the including file.
	includeRE = regexp.MustCompile(`include_(?:str|bytes)!\s*\(\s*` + strLit + `\s*\)`)
	// include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/x")): relative to the crate.
	includeManifestRE = regexp.MustCompile(`include_(?:str|bytes)!\s*\(\s*concat!\s*\(\s*env!\s*\(\s*"CARGO_MANIFEST_DIR"\s*\)\s*,\s*` + strLit + `\s*\)\s*\)`)
	// sqlx::migrate!() reads ./migrations, or the given directory, relative to the crate.
	migrateRE = regexp.MustCompile(`\bmigrate!\s*\(\s*(?:` + strLit + `)?\s*\)`)
	// #[sqlx::test(migrations = "x")] and sqlx::query_file!("x"): relative to the crate.
	sqlxPathRE  = regexp.MustCompile(`sqlx::test\s*\([^)]*\bmigrations\s*=\s*` + strLit)
	queryFileRE = regexp.MustCompile(`\bquery_file(?:_as|_scalar)?(?:_unchecked)?!\s*\(\s*(?:[A-Za-z_][A-Za-z0-9_:]*\s*,\s*)?` + strLit)
	// sqlx's compile-time checked queries need .sqlx/ (or a database named
	// in a .env).
	queryMacroRE = regexp.MustCompile(`\bquery(?:_as|_scalar|_file|_file_as|_file_scalar)?!\s*\(`)
	anyStrRE     = regexp.MustCompile(strLit)
	// #[derive(Template)] #[template(path = "x")]: askama (and rinja)
	// read templates/ of the crate, or the dirs askama.toml names.
	templateRE = regexp.MustCompile(`#\[template\s*\([^)]*\bpath\s*=\s*` + strLit)
	// rust-embed's #[folder = "x"] and include_dir!("x"): relative to the
	// crate ($CARGO_MANIFEST_DIR/ may lead).
	folderRE     = regexp.MustCompile(`#\[folder\s*=\s*` + strLit)
	includeDirRE = regexp.MustCompile(`\binclude_dir!\s*\(\s*` + strLit)
	// Another crate's include! (grass::include!("style.scss")) reads a
	// file relative to the crate, and what it imports beside it.
	otherIncludeRE = regexp.MustCompile(`\b[a-z_][a-z0-9_]*::include!\s*\(\s*` + strLit)
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

	add := func(from, base, rel string) {
		rel = unescapeRust(rel)
		if rel == "" || path.IsAbs(rel) {
			return
		}
		p := path.Clean(path.Join(base, rel))
		if p == "." || strings.HasPrefix(p, "../") || p == ".." {
			s.warnings = append(s.warnings, fmt.Sprintf("%s reads %q, outside the repository; the Nix build cannot see it", from, rel))
			return
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			s.warnings = append(s.warnings, fmt.Sprintf("%s reads %q, which does not exist; the build will fail until it does", from, p))
			return
		}
		if !cargoFiltered(p) {
			keep[p] = true
		}
	}

	for _, mb := range members {
		if mb.m.Package == nil {
			continue
		}
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
			text := string(data)
			for _, m := range includeRE.FindAllStringSubmatch(text, -1) {
				add(p, path.Dir(p), m[1])
			}
			for _, m := range includeManifestRE.FindAllStringSubmatch(text, -1) {
				add(p, mb.dir, strings.TrimPrefix(m[1], "/"))
			}
			for _, m := range migrateRE.FindAllStringSubmatch(text, -1) {
				dir := m[1]
				if dir == "" {
					dir = "migrations"
				}
				add(p, mb.dir, dir)
			}
			for _, re := range []*regexp.Regexp{sqlxPathRE, queryFileRE} {
				for _, m := range re.FindAllStringSubmatch(text, -1) {
					add(p, mb.dir, m[1])
				}
			}
			if templateRE.MatchString(text) {
				for _, dir := range templateDirs(fsys, mb.dir) {
					add(p, mb.dir, dir)
				}
			}
			for _, re := range []*regexp.Regexp{folderRE, includeDirRE} {
				for _, m := range re.FindAllStringSubmatch(text, -1) {
					add(p, mb.dir, strings.TrimPrefix(strings.TrimPrefix(m[1], "$CARGO_MANIFEST_DIR"), "/"))
				}
			}
			for _, m := range otherIncludeRE.FindAllStringSubmatch(text, -1) {
				if dir := path.Dir(unescapeRust(m[1])); dir != "." {
					add(p, mb.dir, dir)
				} else {
					add(p, mb.dir, m[1])
				}
			}
			if strings.Contains(text, "sqlx") && queryMacroRE.MatchString(text) && !slices.Contains(macroCrates, mb.dir) {
				macroCrates = append(macroCrates, mb.dir)
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return s, fmt.Errorf("scanning %s: %w", mb.dir, err)
		}

		// Paths named in the build script.
		if script := mb.m.buildScript(fsys, mb.dir); script != "" {
			bp := path.Join(mb.dir, script)
			data, err := projfs.ReadFile(fsys, bp)
			if skip, ok := projfs.Skipped(err); ok {
				s.warnings = append(s.warnings, skip.Error())
			}
			if err == nil {
				for _, m := range anyStrRE.FindAllStringSubmatch(string(data), -1) {
					lit := unescapeRust(m[1])
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

// unescapeRust undoes the simple escapes of a Rust string literal.
func unescapeRust(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n", `\t`, "\t")
	return r.Replace(s)
}
