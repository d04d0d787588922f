// Package sink writes generated files to disk, all or none, or prints them.
package sink

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
)

// IfExists says what Write does with a file that is already on disk. Each
// generated file carries its own: nixgen's files refuse to replace what is
// there unless forced, and the user's own files (owned in nixgen.toml,
// scaffolds written once) are kept.
type IfExists int

const (
	Refuse    IfExists = iota // stop before writing anything (--force turns it into Overwrite)
	Overwrite                 // replace it
	Keep                      // leave it as it is: it is the user's
)

// File is one generated file and its policy.
type File struct {
	Path     string // slash-separated, relative to the root
	Data     []byte
	IfExists IfExists
	// Why, for a Keep file, says whose it is, for the user.
	Why string
}

// Files is a set of generated files, kept sorted by Path.
type Files []File

// Add puts a file in the set, replacing one at the same path.
func (fs *Files) Add(f File) {
	i := sort.Search(len(*fs), func(i int) bool { return (*fs)[i].Path >= f.Path })
	if i < len(*fs) && (*fs)[i].Path == f.Path {
		(*fs)[i] = f
		return
	}
	*fs = append(*fs, File{})
	copy((*fs)[i+1:], (*fs)[i:])
	(*fs)[i] = f
}

// Get returns the file at path, or nil.
func (fs Files) Get(path string) *File {
	for i := range fs {
		if fs[i].Path == path {
			return &fs[i]
		}
	}
	return nil
}

// Paths lists the files' paths, sorted.
func (fs Files) Paths() []string {
	paths := make([]string, len(fs))
	for i, f := range fs {
		paths[i] = f.Path
	}
	return paths
}

// Force turns every Refuse into Overwrite.
func (fs Files) Force() Files {
	out := make(Files, len(fs))
	for i, f := range fs {
		if f.IfExists == Refuse {
			f.IfExists = Overwrite
		}
		out[i] = f
	}
	return out
}

// Pending returns the files Write would write: all but the Keep files
// that exist.
func Pending(dir string, files Files) Files {
	var out Files
	for _, f := range files {
		if f.IfExists != Keep || !exists(dir, f.Path) {
			out = append(out, f)
		}
	}
	return out
}

// Result says what Write did.
type Result struct {
	Written []string
	Kept    []File // Keep files that existed, left as they were
}

func exists(dir, p string) bool {
	_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
	return err == nil
}

// Write writes files under dir, all or none: it refuses before writing
// anything when a Refuse file exists, writes every file to a temporary
// file beside its target first, and renames them into place only when all
// were written; a failure while renaming puts back what was replaced.
func Write(dir string, files Files) (res Result, err error) {
	var exist []string
	pending := map[string][]byte{}
	for _, f := range files {
		if !exists(dir, f.Path) {
			pending[f.Path] = f.Data
			continue
		}
		switch f.IfExists {
		case Refuse:
			exist = append(exist, f.Path)
		case Keep:
			res.Kept = append(res.Kept, f)
		case Overwrite:
			pending[f.Path] = f.Data
		}
	}
	if len(exist) > 0 {
		return Result{}, &diag.ExistsError{Paths: exist}
	}
	if err := write(dir, pending); err != nil {
		return Result{}, err
	}
	res.Written = paths(pending)
	return res, nil
}

// paths returns the keys of files, sorted.
func paths(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func write(dir string, files map[string][]byte) (err error) {
	for _, p := range paths(files) {
		if st, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil && st.IsDir() {
			return &diag.InputError{File: p, Msg: "is a directory; nixgen writes a file there and will not replace it; nothing was written"}
		}
	}
	type pending struct{ target, temp, backup string }
	var work []pending
	defer func() {
		if err == nil {
			return
		}
		for _, w := range work {
			if w.temp != "" {
				os.Remove(w.temp)
			}
		}
	}()

	for _, p := range paths(files) {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("creating the directory for %s: %w", p, err)
		}
		temp, err := writeTemp(target, files[p])
		if err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		work = append(work, pending{target: target, temp: temp})
	}

	// Move existing files aside, then the new ones into place.
	var done []pending
	rollback := func() {
		for i := len(done) - 1; i >= 0; i-- {
			w := done[i]
			if w.backup != "" {
				os.Rename(w.backup, w.target)
			} else {
				os.Remove(w.target)
			}
		}
	}
	for i := range work {
		w := &work[i]
		if _, err := os.Lstat(w.target); err == nil {
			w.backup = w.temp + ".old"
			if err := os.Rename(w.target, w.backup); err != nil {
				rollback()
				return fmt.Errorf("replacing %s: %w", w.target, err)
			}
		}
		if err := os.Rename(w.temp, w.target); err != nil {
			if w.backup != "" {
				os.Rename(w.backup, w.target)
			}
			rollback()
			return fmt.Errorf("replacing %s: %w", w.target, err)
		}
		done = append(done, *w)
		w.temp = ""
	}
	for _, w := range done {
		if w.backup != "" {
			os.Remove(w.backup)
		}
	}
	return nil
}

// writeTemp writes data to a new temporary file in target's directory,
// keeping target's mode when it exists; new shell scripts (*.sh) get 0755
// and everything else 0644.
func writeTemp(target string, data []byte) (string, error) {
	mode := fs.FileMode(0o644)
	if strings.HasSuffix(target, ".sh") {
		mode = 0o755
	}
	if st, err := os.Stat(target); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".nixgen-*")
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(f.Name(), mode)); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Print writes every file to w under a header naming it, for --dry-run.
func Print(w io.Writer, files Files) error {
	for _, f := range files {
		if _, err := fmt.Fprintf(w, "==> %s <==\n%s", f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}
