//go:build linux && (amd64 || arm64)

package narhash

import (
	"fmt"
	"os"
	"syscall"
)

// A job is a piece of a regular file for a reader to read: n bytes at off
// of name in dir, or of the path name when dir is nil. The reader fills in
// the result fields, then closes done.
type job struct {
	dir  *dir
	name string
	off  int64
	n    int64
	next *job // the file's next piece
	done chan struct{}
	// A file of several pieces is opened once per piece; each checks it
	// has the file the walker saw, or its pieces could mix two files.
	whole *fileID

	data []byte // where to read the piece, in the ring
	end  int64  // the ring position after data
	err  error
}

// A fileID tells whether a file is still the one the walker saw.
type fileID struct {
	dev, ino uint64
	size     int64
}

func (j *job) path() string {
	if j.dir == nil {
		return j.name
	}
	return j.dir.join(j.name)
}

// openHook, when set by a test, runs before a reader opens a file.
var openHook func(path string)

// read is a reader goroutine: it loads jobs in the order the walker sent
// them until there are no more or the run stops.
func (r *run) read() {
	defer r.wg.Done()
	for {
		select {
		case <-r.stop:
			return
		case j := <-r.jobs:
			if j == nil {
				return
			}
			j.err = r.load(j)
			close(j.done)
			r.yield()
		}
	}
}

// load reads the job's piece. The walker saw a regular file; should it
// have become something else since, open or pread fails.
func (r *run) load(j *job) error {
	if openHook != nil {
		openHook(j.path())
	}
	fd, err := openFile(j.dir, j.name)
	if j.dir != nil {
		j.dir.release()
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: j.path(), Err: err}
	}
	defer syscall.Close(fd)
	if w := j.whole; w != nil {
		var st syscall.Stat_t
		if err := fstat(fd, &st); err != nil {
			return &os.PathError{Op: "stat", Path: j.path(), Err: err}
		}
		if uint64(st.Dev) != w.dev || st.Ino != w.ino || st.Size != w.size {
			return fmt.Errorf("%s: file changed while being hashed", j.path())
		}
	}
	return readFull(fd, j.data, j.off, j.path)
}

// openFile opens the file name in d, or the path name when d is nil, for
// reading, without following a symlink and without blocking should it have
// become a FIFO.
func openFile(d *dir, name string) (int, error) {
	const flags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
	for {
		var fd int
		var err error
		if d == nil {
			fd, err = syscall.Open(name, flags, 0)
		} else {
			fd, err = syscall.Openat(d.fd, name, flags, 0)
		}
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func fstat(fd int, st *syscall.Stat_t) error {
	for {
		if err := syscall.Fstat(fd, st); err != syscall.EINTR {
			return err
		}
	}
}

// readFull fills b from fd at offset off; path names the file in errors.
func readFull(fd int, b []byte, off int64, path func() string) error {
	for len(b) > 0 {
		n, err := syscall.Pread(fd, b, off)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "read", Path: path(), Err: err}
		}
		if n == 0 {
			return fmt.Errorf("%s: file shrank while being hashed", path())
		}
		b = b[n:]
		off += int64(n)
	}
	return nil
}
