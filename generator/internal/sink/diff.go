package sink

import (
	"bytes"
	"os"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// FileDiff is one file whose contents on disk differ from the generated ones.
type FileDiff struct {
	Path    string
	Unified []byte // a unified diff from the file on disk to the generated one
}

// Diff compares files with what is under dir, sorted by path. A file
// missing on disk differs from any content; Keep files are the user's and
// are not compared.
func Diff(dir string, files Files) []FileDiff {
	var out []FileDiff
	for _, f := range files {
		if f.IfExists == Keep {
			continue
		}
		p := f.Path
		// What is on disk is read like a project file: a FIFO or a
		// symlink out of the tree is no content, and never hangs check.
		old, err := projfs.ReadFile(os.DirFS(dir), p)
		oldName := "a/" + p
		if err != nil {
			old, oldName = nil, "/dev/null"
		}
		if err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		out = append(out, FileDiff{Path: p, Unified: diff.Diff(oldName, old, "b/"+p, f.Data)})
	}
	return out
}
