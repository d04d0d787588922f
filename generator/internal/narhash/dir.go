//go:build linux && (amd64 || arm64)

package narhash

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// A dir is an open directory. Files are opened relative to it, which
// spares the kernel a walk of the whole path per file; readers hold a
// reference until they have opened their file.
type dir struct {
	fd   int
	path string
	refs atomic.Int32
}

func (d *dir) release() {
	if d.refs.Add(-1) == 0 {
		syscall.Close(d.fd)
	}
}

// join returns the path of the entry name in d, for messages and the
// occasional call that needs a path.
func (d *dir) join(name string) string {
	if strings.HasSuffix(d.path, "/") {
		return d.path + name
	}
	return d.path + "/" + name
}

const dirFlags = syscall.O_RDONLY | syscall.O_DIRECTORY | syscall.O_CLOEXEC | syscall.O_NOFOLLOW

// openDir opens the directory name in parent, or path when parent is nil.
func openDir(parent *dir, name, path string) (*dir, error) {
	for {
		var fd int
		var err error
		if parent == nil {
			fd, err = syscall.Open(path, dirFlags, 0)
		} else {
			fd, err = syscall.Openat(parent.fd, name, dirFlags, 0)
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		d := &dir{fd: fd, path: path}
		d.refs.Store(1)
		return d, nil
	}
}

type dirEntry struct {
	name string
	typ  fs.FileMode
}

// list returns d's entries sorted bytewise by name, as NAR orders them.
// buf is scratch space for getdents.
func (d *dir) list(buf []byte) ([]dirEntry, error) {
	var ents []dirEntry
	for {
		n, err := syscall.Getdents(d.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "readdirent", Path: d.path, Err: err}
		}
		if n <= 0 {
			break
		}
		for b := buf[:n]; len(b) > 0; {
			// struct linux_dirent64: ino, off, reclen, type, name.
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			typ := b[18]
			name := b[19:reclen]
			if i := slices.Index(name, 0); i >= 0 {
				name = name[:i]
			}
			b = b[reclen:]
			if string(name) == "." || string(name) == ".." {
				continue
			}
			e := dirEntry{name: string(name), typ: dtType(typ)}
			if typ == syscall.DT_UNKNOWN {
				fi, err := os.Lstat(d.join(e.name))
				if err != nil {
					return nil, err
				}
				e.typ = fi.Mode().Type()
			}
			ents = append(ents, e)
		}
	}
	slices.SortFunc(ents, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
	return ents, nil
}

func dtType(t uint8) fs.FileMode {
	switch t {
	case syscall.DT_REG:
		return 0
	case syscall.DT_DIR:
		return fs.ModeDir
	case syscall.DT_LNK:
		return fs.ModeSymlink
	case syscall.DT_FIFO:
		return fs.ModeNamedPipe
	case syscall.DT_SOCK:
		return fs.ModeSocket
	case syscall.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.DT_BLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}
