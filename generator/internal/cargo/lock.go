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
