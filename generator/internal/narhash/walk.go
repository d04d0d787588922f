//go:build linux && (amd64 || arm64)

package narhash

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

type taskKind uint8

const (
	taskFile taskKind = iota
	taskSymlink
	taskDirOpen
	taskDirClose
	taskErr
)

// A task is one step of the NAR, in order. name is the entry name, empty
// for the top-level node.
type task struct {
	kind   taskKind
	exec   bool // taskFile
	name   string
	size   int64  // taskFile
	job    *job   // taskFile: the first piece, none when empty
	target string // taskSymlink
	err    error  // taskErr
}

// walk sends the tree's tasks to the hasher and the pieces of its files to
// the readers, both in NAR order.
func (r *run) walk(path string, fi fs.FileInfo) {
	defer r.wg.Done()
	defer close(r.tasks)
	defer close(r.jobs)
	w := walker{run: r, batch: make([]task, 0, batchSize), buf: make([]byte, 32<<10)}
	typ := fi.Mode().Type()
	var ok bool
	if typ.IsRegular() {
		st := fi.Sys().(*syscall.Stat_t)
		ok = w.file(nil, path, "", st)
	} else {
		ok = w.node(nil, path, typ)
	}
	if ok {
		w.flush()
	}
}

type walker struct {
	*run
	batch []task
	buf   []byte // for getdents
}

// node emits the entry name of parent, or the top-level path name when
// parent is nil, and for a directory everything below it. It returns false
// once the run is over, after an error or a stop.
func (w *walker) node(parent *dir, name string, typ fs.FileMode) bool {
	entry, path := name, name
	if parent == nil {
		entry = ""
	} else if !typ.IsRegular() { // files need it only for errors
		path = parent.join(name)
	}
	switch {
	case typ.IsRegular():
		var st syscall.Stat_t
		if err := lstatAt(parent.fd, name, &st); err != nil {
			return w.fail(&os.PathError{Op: "lstat", Path: parent.join(name), Err: err})
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFREG { // replaced since listed
			return w.node(parent, name, modeOf(st.Mode))
		}
		return w.file(parent, name, entry, &st)
	case typ&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return w.fail(err)
		}
		return w.emit(task{kind: taskSymlink, name: entry, target: target})
	case typ.IsDir():
		if !w.emit(task{kind: taskDirOpen, name: entry}) {
			return false
		}
		d, err := openDir(parent, name, path)
		if err != nil {
			return w.fail(err)
		}
		defer d.release()
		ents, err := d.list(w.buf)
		if err != nil {
			return w.fail(err)
		}
		for _, e := range ents {
			if !w.node(d, e.name, e.typ) {
				return false
			}
		}
		return w.emit(task{kind: taskDirClose, name: entry})
	default:
		return w.fail(fmt.Errorf("%s: unsupported file type %s: a NAR holds only regular files, directories and symlinks",
			path, typeName(typ)))
	}
}

// modeOf turns the file type bits of a stat mode into an fs.FileMode.
func modeOf(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFREG:
		return 0
	}
	return fs.ModeIrregular
}

// file emits a regular file of the given stat and queues its pieces.
func (w *walker) file(parent *dir, name, entry string, st *syscall.Stat_t) bool {
	t := task{kind: taskFile, name: entry, size: st.Size, exec: st.Mode&syscall.S_IXUSR != 0}
	var last *job
	var whole *fileID
	if st.Size > chunkSize {
		whole = &fileID{dev: uint64(st.Dev), ino: st.Ino, size: st.Size}
	}
	for off := int64(0); off < st.Size; off += chunkSize {
		j := &job{dir: parent, name: name, off: off, n: min(chunkSize, st.Size-off), whole: whole, done: make(chan struct{})}
		if last == nil {
			t.job = j
		} else {
			last.next = j
		}
		last = j
	}
	// The task goes first and the batch is flushed before a send can
	// block: the hasher must reach every piece a reader holds, or it
	// could wait for a reader that waits for the walker.
	if !w.emit(t) {
		return false
	}
	for j := t.job; j != nil; j = j.next {
		if !w.reserve(j) {
			return false
		}
		if parent != nil {
			parent.refs.Add(1)
		}
		if !w.send(j) {
			if parent != nil {
				parent.release()
			}
			return false
		}
	}
	return true
}

// reserve gives j its place in the ring, flushing the batch first should
// it have to wait for the hasher to free some.
func (w *walker) reserve(j *job) bool {
	j.data, j.end = w.ring.reserve(j.n, w.flush)
	return j.data != nil
}

func (w *walker) send(j *job) bool {
	select {
	case w.jobs <- j:
		return true
	default:
	}
	if !w.flush() {
		return false
	}
	select {
	case w.jobs <- j:
		return true
	case <-w.stop:
		return false
	}
}

func typeName(typ fs.FileMode) string {
	switch {
	case typ&fs.ModeSocket != 0:
		return "socket"
	case typ&fs.ModeNamedPipe != 0:
		return "named pipe"
	case typ&fs.ModeCharDevice != 0:
		return "character device"
	case typ&fs.ModeDevice != 0:
		return "block device"
	}
	return typ.String()
}

func (w *walker) emit(t task) bool {
	w.batch = append(w.batch, t)
	if len(w.batch) < batchSize {
		return true
	}
	return w.flush()
}

func (w *walker) flush() bool {
	if len(w.batch) == 0 {
		return true
	}
	select {
	case w.tasks <- w.batch:
	case <-w.stop:
		return false
	}
	w.yield()
	w.batch = make([]task, 0, batchSize)
	return true
}

// fail hands err to the hasher at the point of the NAR where it happened.
func (w *walker) fail(err error) bool {
	w.batch = append(w.batch, task{kind: taskErr, err: err})
	w.flush()
	return false
}
