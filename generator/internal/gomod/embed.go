package gomod

import (
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// Embeds returns the files and directories that //go:embed directives in
// the module's non-test Go files name, relative to the root and sorted:
// a Go-only source filter would drop them and break the build.
func Embeds(fsys fs.FS) ([]string, error) {
	found := map[string]bool{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			if p != "." {
				if _, err := fs.Stat(fsys, path.Join(p, "go.mod")); err == nil {
					return fs.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := projfs.ReadFile(fsys, p)
		if _, ok := projfs.Skipped(err); ok {
			return nil // loadPackages warns about the files of packages
		}
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			rest, ok := strings.CutPrefix(strings.TrimSpace(line), "//go:embed ")
			if !ok {
				continue
			}
			for _, pattern := range embedPatterns(rest) {
				pattern = strings.TrimPrefix(pattern, "all:")
				full := path.Join(path.Dir(p), pattern)
				matches, _ := fs.Glob(fsys, full)
				// A wildcard keeps its whole directory, so files added
				// later are kept too; but never the whole module.
				if dir := path.Dir(full); strings.ContainsAny(pattern, "*?[") && dir != "." && len(matches) > 0 {
					found[dir] = true
					continue
				}
				for _, m := range matches {
					found[m] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(found))
	for p := range found {
		out = append(out, p)
	}
	return model.Outermost(out), nil
}

// embedPatterns splits a //go:embed argument list: space-separated, with
// Go string literals for names containing spaces.
func embedPatterns(s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' || s[0] == '`' {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return out
			}
			lit := s[:end+2]
			if u, err := strconv.Unquote(lit); err == nil {
				out = append(out, u)
			}
			s = s[end+2:]
			continue
		}
		f := strings.Fields(s)[0]
		out = append(out, f)
		s = s[len(f):]
	}
	return out
}
