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

	"github.com/nixgen/nixgen/generator/diag"
)

// Paths returns the file names in files, sorted.
func Paths(files map[string][]byte) []string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// Existing returns the paths in files that already exist under dir, sorted.
func Existing(dir string, files map[string][]byte) []string {
	var exist []string
	for _, p := range Paths(files) {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			exist = append(exist, p)
		}
	}
	return exist
}

// Write writes files under dir. Unless force is set it refuses, writing
// nothing, when any of them exists. Every file is first written to a
// temporary file beside its target and then renamed into place; if any step
// fails, files already replaced are restored, so the tree ends up either
// fully updated or as it was.
func Write(dir string, files map[string][]byte, force bool) (err error) {
	if !force {
		if exist := Existing(dir, files); len(exist) > 0 {
			return &diag.ExistsError{Paths: exist}
		}
	}
	for _, p := range Paths(files) {
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

	for _, p := range Paths(files) {
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
func Print(w io.Writer, files map[string][]byte) error {
	for _, p := range Paths(files) {
		if _, err := fmt.Fprintf(w, "==> %s <==\n%s", p, files[p]); err != nil {
			return err
		}
	}
	return nil
}
