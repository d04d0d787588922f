package cargo

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// globMembers expands a [workspace] members pattern the way Cargo's glob
// does: *, ? and [...] within a path component, and ** as a whole component
// for any number of directories, the pattern's own directory included.
// Braces are literal, as in Cargo. Symbolic links are not followed, so a
// link cycle cannot make ** endless.
func globMembers(fsys fs.FS, pattern string) ([]string, error) {
	for _, c := range strings.Split(pattern, "/") {
		if strings.Contains(c, "**") && c != "**" {
			return nil, fmt.Errorf("** must be a whole path component, as in crates/**")
		}
	}
	escaped := strings.NewReplacer("{", `\{`, "}", `\}`).Replace(pattern)
	return doublestar.Glob(fsys, escaped, doublestar.WithNoFollow())
}

// isGlob reports whether a members pattern has glob syntax; a plain path
// must exist and hold a Cargo.toml, a glob may match directories that are
// not crates.
func isGlob(pattern string) bool { return strings.ContainsAny(pattern, "*?[") }

// within reports whether dir is one of paths or lies below one; Cargo's
// exclude (and a member named without a glob) covers a whole subtree.
func within(paths map[string]bool, dir string) bool {
	for d := dir; ; {
		if paths[d] {
			return true
		}
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return false
		}
		d = d[:i]
	}
}
