package sink

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

// FileDiff is one file whose contents on disk differ from the generated ones.
type FileDiff struct {
	Path    string
	Unified []byte // a unified diff from the file on disk to the generated one
}

// Diff compares files with what is under dir, sorted by path. A file
// missing on disk differs from any content.
func Diff(dir string, files map[string][]byte) []FileDiff {
	var out []FileDiff
	for _, p := range Paths(files) {
		old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		oldName := "a/" + p
		if err != nil {
			old, oldName = nil, "/dev/null"
		}
		if err == nil && bytes.Equal(old, files[p]) {
			continue
		}
		out = append(out, FileDiff{Path: p, Unified: diff.Diff(oldName, old, "b/"+p, files[p])})
	}
	return out
}
