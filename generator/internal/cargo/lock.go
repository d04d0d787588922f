package cargo

import (
	"errors"
	"io/fs"
	"net/url"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// lockfile is Cargo.lock, versions 3 and 4 (version 1 and 2 differ only in
// ways nixgen does not read).
type lockfile struct {
	Version int           `toml:"version"`
	Package []lockPackage `toml:"package"`
}

type lockPackage struct {
	Name    string `toml:"name"`
	Version string `toml:"version"`
	Source  string `toml:"source"`
}

func readLock(fsys fs.FS, name string) (*lockfile, error) {
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &diag.InputError{File: name, Msg: "not found: nixgen pins dependencies from the lock file",
			Hint: "run `cargo generate-lockfile` and commit Cargo.lock"}
	}
	if err != nil {
		return nil, &diag.InputError{File: name, Msg: err.Error(), Err: err}
	}
	var l lockfile
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
		u, commit, err := parseGitSource(p.Source)
		if err != nil {
			return nil, &diag.InputError{File: "Cargo.lock", Msg: "package " + p.Name + ": " + err.Error()}
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

// parseGitSource splits "git+https://host/repo?branch=x#commit" into the
// repository URL (without query) and the commit.
func parseGitSource(source string) (repo, commit string, err error) {
	raw, commit, ok := strings.Cut(strings.TrimPrefix(source, "git+"), "#")
	if !ok || commit == "" {
		return "", "", errors.New("git source without a locked commit: " + source)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", err
	}
	u.RawQuery = ""
	return u.String(), commit, nil
}
