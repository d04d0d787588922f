// Package gitignore answers which files git leaves out of a repository,
// and so out of a flake's source, from its .gitignore files.
package gitignore

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// Rules answers whether git leaves a path out, from the .gitignore
// files in its directory and above: patterns without a slash match a
// name at any depth, others are anchored where the file is; a trailing
// slash matches directories; "!" re-includes; "**" is taken as any
// number of directories. Global and .git/info/exclude rules are not read.
// A file git tracks is never left out, whatever .gitignore says: the
// index (.git/index), when there is one, tells which.
type Rules struct {
	fsys    fs.FS
	files   map[string][]ignoreRule
	tracked []string // the index's paths, sorted; nil without an index
}

type ignoreRule struct {
	pattern string
	neg     bool
	dirOnly bool
	at      string
}

// New reads the .gitignore files of fsys as it is asked about paths.
func New(fsys fs.FS) *Rules {
	return &Rules{fsys: fsys, files: map[string][]ignoreRule{}, tracked: trackedFiles(fsys)}
}

// trackedFiles reads the paths of .git/index, sorted, with go-git's
// decoder; nil when there is no index or it cannot be read (a worktree's
// .git file points outside the tree).
func trackedFiles(fsys fs.FS) []string {
	data, err := projfs.ReadFile(fsys, ".git/index")
	if err != nil {
		return nil
	}
	var idx index.Index
	if err := index.NewDecoder(bytes.NewReader(data)).Decode(&idx); err != nil {
		return nil
	}
	paths := make([]string, 0, len(idx.Entries))
	for _, e := range idx.Entries {
		paths = append(paths, e.Name)
	}
	sort.Strings(paths)
	return paths
}

// isTracked reports whether git tracks p, or a file under the directory p.
func (g *Rules) isTracked(p string) bool {
	if i := sort.SearchStrings(g.tracked, p); i < len(g.tracked) && g.tracked[i] == p {
		return true
	}
	i := sort.SearchStrings(g.tracked, p+"/")
	return i < len(g.tracked) && strings.HasPrefix(g.tracked[i], p+"/")
}

func (g *Rules) rules(dir string) []ignoreRule {
	if r, ok := g.files[dir]; ok {
		return r
	}
	var rules []ignoreRule
	name := path.Join(dir, ".gitignore")
	data, err := projfs.ReadFile(g.fsys, name)
	if err == nil {
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			r := ignoreRule{at: fmt.Sprintf("%s:%d", name, i+1)}
			line = strings.TrimRight(line, " ")
			if r.neg = strings.HasPrefix(line, "!"); r.neg {
				line = line[1:]
			}
			if r.dirOnly = strings.HasSuffix(line, "/"); r.dirOnly {
				line = strings.TrimSuffix(line, "/")
			}
			if !strings.Contains(line, "/") || strings.HasPrefix(line, "**/") {
				line = "**/" + strings.TrimPrefix(line, "**/")
			}
			r.pattern = strings.TrimPrefix(line, "/")
			rules = append(rules, r)
		}
	}
	g.files[dir] = rules
	return rules
}

// match returns the rule that decides about p (relative to the root),
// nil when none does.
func (g *Rules) match(p string) *ignoreRule {
	var decided *ignoreRule
	// A directory left out leaves out what is inside: check p's
	// ancestors first, then p.
	elems := strings.Split(p, "/")
	for n := 1; n <= len(elems); n++ {
		sub := strings.Join(elems[:n], "/")
		isDir := n < len(elems)
		for d := 0; d < n; d++ {
			dir := strings.Join(elems[:d], "/")
			if dir == "" {
				dir = "."
			}
			rel := strings.Join(elems[d:n], "/")
			for _, r := range g.rules(dir) {
				if r.dirOnly && !isDir && !g.isDir(sub) {
					continue
				}
				if globMatch(r.pattern, rel) {
					r := r
					decided = &r
				}
			}
		}
		if decided != nil && !decided.neg && isDir {
			return decided // git does not look inside an ignored directory
		}
	}
	return decided
}

func (g *Rules) isDir(p string) bool {
	fi, err := fs.Stat(g.fsys, p)
	return err == nil && fi.IsDir()
}

// Ignored reports whether git leaves p (relative to the root) out.
func (g *Rules) Ignored(p string) bool {
	r := g.match(p)
	return r != nil && !r.neg && !g.isTracked(p)
}

// Why names the .gitignore line that leaves p out, as FILE:LINE.
func (g *Rules) Why(p string) string {
	if r := g.match(p); r != nil {
		return r.at
	}
	return ".gitignore"
}

// globMatch matches a slash-separated path against a gitignore pattern
// in which "**/" stands for any number of directories.
func globMatch(pattern, p string) bool {
	if rest, ok := strings.CutPrefix(pattern, "**/"); ok {
		elems := strings.Split(p, "/")
		for i := range elems {
			if globMatch(rest, strings.Join(elems[i:], "/")) {
				return true
			}
		}
		return false
	}
	ok, err := path.Match(pattern, p)
	return err == nil && ok
}
