// Package gitmodules reads the git submodules a repository declares in
// its .gitmodules, and whether each is checked out.
//
// A flake's source holds no submodule unless asked (inputs.self.submodules,
// Nix 2.27), GitHub's archive leaves them empty, and a clone without
// --recursive has only empty directories there: what the build needs from
// a submodule must be known, and what could not be read must be said.
package gitmodules

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/config"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// File is where git records the submodules.
const File = ".gitmodules"

// Read returns the submodules fsys's .gitmodules declares, sorted by path,
// with whether each is checked out (its directory holds anything); none
// when there is no .gitmodules. go-git's parser drops entries whose path
// leaves the repository (as git itself refuses them); an entry that is not
// a clean relative path is left out with a warning.
func Read(fsys fs.FS) ([]model.Submodule, []string, error) {
	data, err := projfs.ReadFile(fsys, File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if skip, ok := projfs.Skipped(err); ok {
		return nil, []string{skip.Error()}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	modules := config.NewModules()
	if err := modules.Unmarshal(data); err != nil {
		return nil, nil, &diag.InputError{File: File, Msg: err.Error(), Err: err}
	}
	var subs []model.Submodule
	var warnings []string
	for _, name := range sortedNames(modules.Submodules) {
		m := modules.Submodules[name]
		p := strings.TrimSuffix(m.Path, "/")
		if p == "" || path.IsAbs(p) || path.Clean(p) != p || p == "." || p == ".git" || strings.HasPrefix(p, ".git/") {
			warnings = append(warnings, fmt.Sprintf("%s: submodule %q has path %q, not a directory inside the repository; ignored", File, name, m.Path))
			continue
		}
		subs = append(subs, model.Submodule{Path: p, CheckedOut: checkedOut(fsys, p)})
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Path < subs[j].Path })
	return subs, warnings, nil
}

// checkedOut reports whether the submodule's directory holds anything: git
// leaves an empty directory for one that was never initialised, and git
// archive (GitHub's tarballs) none at all.
func checkedOut(fsys fs.FS, dir string) bool {
	if projfs.Check(fsys, dir) != nil {
		return false
	}
	entries, err := fs.ReadDir(fsys, dir)
	return err == nil && len(entries) > 0
}

func sortedNames(m map[string]*config.Submodule) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
