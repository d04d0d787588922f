// Package projfs is how detection reads a project's files: the one door
// through which the manifests, lock files and sources pass.
//
// A repository is data, and may be hostile: a file named main.rs can be a
// FIFO (opening it blocks forever), a symlink to /dev/zero (reading it
// never ends) or to a file outside the repository (~/.ssh/id_ed25519).
// ReadFile and Open read only regular files, at most MaxSize bytes, and
// never through a symlink that leaves the root of the fs.FS; anything
// else is a *SkipError, which callers report as a warning and skip (or,
// for a file they cannot do without, as an input error).
package projfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// MaxSize is the largest file detection reads: 16 MiB, far above any
// manifest, lock file or source file a person writes, far below what
// would exhaust memory.
const MaxSize = 16 << 20

// SkipError is a project file detection does not read, and why.
type SkipError struct {
	Path string // slash-separated, relative to the root
	Why  string
}

func (e *SkipError) Error() string { return e.Path + ": " + e.Why + "; not read" }

// maxLinks bounds the symlinks followed for one path, as the kernel does.
const maxLinks = 40

// Check reports whether name may be read: a *SkipError when it is not a
// regular file (nor a directory), or is reached through a symlink that
// leaves the root, nil when it may, and the fs error when it cannot be
// looked at (it does not exist).
func Check(fsys fs.FS, name string) error {
	if err := inside(fsys, name); err != nil {
		return err
	}
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return err
	}
	switch {
	case st.Mode().IsRegular() || st.IsDir():
		return nil
	case st.Mode()&fs.ModeNamedPipe != 0:
		return &SkipError{Path: name, Why: "is a named pipe (FIFO), not a file"}
	case st.Mode()&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return &SkipError{Path: name, Why: "is a device, not a file"}
	case st.Mode()&fs.ModeSocket != 0:
		return &SkipError{Path: name, Why: "is a socket, not a file"}
	}
	return &SkipError{Path: name, Why: "is not a regular file"}
}

// inside follows the symlinks on the way to name, one component at a
// time, and refuses one that leads out of the root: an absolute target,
// or one with more ".." than it has directories above it. An fs.FS that
// cannot read links (not fs.ReadLinkFS) cannot leave its root through
// one either, so it passes.
func inside(fsys fs.FS, name string) error {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok || !fs.ValidPath(name) {
		return nil
	}
	todo := strings.Split(name, "/")
	cur := "."
	for links := 0; len(todo) > 0; {
		next := path.Join(cur, todo[0])
		todo = todo[1:]
		st, err := rl.Lstat(next)
		if err != nil {
			return nil // does not exist: let the caller's open say so
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return &SkipError{Path: name, Why: "is reached through too many symlinks"}
		}
		target, err := rl.ReadLink(next)
		if err != nil {
			return &SkipError{Path: name, Why: "is reached through a symlink nixgen cannot read"}
		}
		if path.IsAbs(target) {
			return &SkipError{Path: name, Why: fmt.Sprintf("is a symlink out of the repository (%s -> an absolute path)", next)}
		}
		resolved := path.Join(path.Dir(next), target)
		if !fs.ValidPath(resolved) {
			return &SkipError{Path: name, Why: fmt.Sprintf("is a symlink out of the repository (%s -> %q)", next, target)}
		}
		todo = append(strings.Split(resolved, "/"), todo...)
		cur = "."
	}
	return nil
}

// ReadFile reads the regular file name, at most MaxSize bytes; see
// Check for what it refuses with a *SkipError.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := Open(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Open opens name when Check allows it. Reading more than MaxSize bytes
// of it fails with a *SkipError.
func Open(fsys fs.FS, name string) (fs.File, error) {
	if err := Check(fsys, name); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		// Swapped since Check; an opened FIFO reads nothing useful.
		f.Close()
		return nil, &SkipError{Path: name, Why: "is not a regular file"}
	}
	if st.IsDir() {
		return f, nil
	}
	if st.Size() > MaxSize {
		f.Close()
		return nil, tooLarge(name)
	}
	return &capped{File: f, name: name, left: MaxSize}, nil
}

func tooLarge(name string) error {
	return &SkipError{Path: name, Why: fmt.Sprintf("is larger than %d MiB", MaxSize>>20)}
}

// capped fails a read past MaxSize, for a file that grows as it is read.
type capped struct {
	fs.File
	name string
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One more byte means the file is over the cap.
		var one [1]byte
		if n, _ := c.File.Read(one[:]); n > 0 {
			return 0, tooLarge(c.name)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.File.Read(p)
	c.left -= int64(n)
	return n, err
}

// Skipped returns the *SkipError in err, if any: for callers that warn
// and go on.
func Skipped(err error) (*SkipError, bool) {
	var skip *SkipError
	ok := errors.As(err, &skip)
	return skip, ok
}
