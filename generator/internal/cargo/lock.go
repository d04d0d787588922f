package cargo

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// lockfile is Cargo.lock, versions 3 and 4 (version 1 and 2 differ only in
// ways nixgen does not read).
type lockfile struct {
	Version int           `toml:"version"`
	Package []lockPackage `toml:"package"`

	name string // its path, for messages
	data []byte // its text, to locate values
}

type lockPackage struct {
	Name    string `toml:"name"`
	Version string `toml:"version"`
	Source  string `toml:"source"`
	// Dependencies are "name", "name version" or "name version (source)":
	// the version and source only where the name alone is ambiguous.
	Dependencies []string `toml:"dependencies"`
}

func readLock(fsys fs.FS, name string) (*lockfile, error) {
	data, err := projfs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &diag.InputError{File: name, Msg: "not found: nixgen pins dependencies from the lock file",
			Hint: "run `cargo generate-lockfile` and commit Cargo.lock"}
	}
	if err != nil {
		return nil, readError(name, err)
	}
	l := lockfile{name: name, data: data}
	if _, err := diag.DecodeTOML(name, data, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// crates returns the names of every locked package, sorted, without duplicates.
func (l *lockfile) crates() []string {
	names := make([]string, 0, len(l.Package))
	for _, p := range l.Package {
		names = append(names, p.Name)
	}
	return model.SortStrings(names)
}

// lockEdge is one dependency of a locked package, by index into Package.
type lockEdge struct{ from, to int }

// reachable returns the names of the packages reachable from the packages
// at roots, following the dependencies lists of Cargo.lock. Cargo.lock is
// resolved with every feature of every workspace member on, so it holds
// more than a build compiles: follow decides, per edge, whether the build
// takes it. An entry that names no locked package is skipped.
func (l *lockfile) reachable(roots []int, follow func(lockEdge) bool) map[string]bool {
	byName := map[string][]int{}
	for i, p := range l.Package {
		byName[p.Name] = append(byName[p.Name], i)
	}
	seen := map[int]bool{}
	queue := []int{}
	for _, r := range roots {
		if !seen[r] {
			seen[r] = true
			queue = append(queue, r)
		}
	}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		for _, d := range l.Package[from].Dependencies {
			to, ok := l.find(byName, d)
			if !ok || seen[to] || !follow(lockEdge{from, to}) {
				continue
			}
			seen[to] = true
			queue = append(queue, to)
		}
	}
	names := map[string]bool{}
	for i := range seen {
		names[l.Package[i].Name] = true
	}
	return names
}

// find resolves a dependencies entry to the index of the package it names.
func (l *lockfile) find(byName map[string][]int, entry string) (int, bool) {
	fields := strings.Fields(entry)
	if len(fields) == 0 {
		return 0, false
	}
	cands := byName[fields[0]]
	if len(fields) == 1 || len(cands) == 1 {
		if len(cands) == 0 {
			return 0, false
		}
		return cands[0], true
	}
	source := ""
	if len(fields) > 2 {
		source = strings.Trim(fields[2], "()")
	}
	for _, i := range cands {
		if l.Package[i].Version == fields[1] && (source == "" || l.Package[i].Source == source) {
			return i, true
		}
	}
	return 0, false
}

// gitDeps returns one entry per git repository commit in the lock file,
// keyed by the first crate (by name, then version) locked from it.
func (l *lockfile) gitDeps() ([]model.GitDep, error) {
	type src struct{ url, commit string }
	first := map[src]string{}
	for _, p := range l.Package {
		if !strings.HasPrefix(p.Source, "git+") {
			continue
		}
		u, commit, err := ParseGitSource(p.Source)
		if err != nil {
			return nil, &diag.InputError{File: l.name, Line: diag.TOMLStringLine(l.data, p.Source), Msg: "package " + p.Name + ": " + err.Error()}
		}
		key := p.Name + "-" + p.Version
		s := src{u, commit}
		if k, ok := first[s]; !ok || key < k {
			first[s] = key
		}
	}
	deps := make([]model.GitDep, 0, len(first))
	for s, key := range first {
		deps = append(deps, model.GitDep{Key: key, URL: s.url, Commit: s.commit})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Key < deps[j].Key })
	return deps, nil
}

// ParseGitSource splits a Cargo.lock git source,
// "git+https://host/repo?branch=x#commit", into the repository URL
// (without query) and the commit. The URL reaches git as an argument: one
// that is not a plain https, ssh, git or file URL (one git would read as
// an option, such as --upload-pack=...) is refused, and so is a commit
// that is not a hexadecimal hash.
func ParseGitSource(source string) (repo, commit string, err error) {
	raw, commit, ok := strings.Cut(strings.TrimPrefix(source, "git+"), "#")
	if !ok || commit == "" {
		return "", "", fmt.Errorf("git source without a locked commit: %q", source)
	}
	if err := ident.FetchURL(raw); err != nil {
		return "", "", fmt.Errorf("git source %q: %v", source, err)
	}
	if !commitRE.MatchString(commit) {
		return "", "", fmt.Errorf("git source %q: %q is not a commit hash", source, commit)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("git source %q: %v", source, err)
	}
	u.RawQuery = ""
	if err := ident.FetchURL(u.String()); err != nil {
		return "", "", fmt.Errorf("git source %q: %v", source, err)
	}
	return u.String(), commit, nil
}

var commitRE = regexp.MustCompile(`^[0-9a-f]{4,64}$`)
