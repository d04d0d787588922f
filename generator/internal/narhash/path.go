//go:build linux && (amd64 || arm64)

package narhash

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// PathSize is Path that also returns the size of the NAR in bytes.
func PathSize(path string) (Sum, int64, error) {
	h := sha256.New()
	n, err := dump(h, path)
	if err != nil {
		return Sum{}, 0, fmt.Errorf("nar hash of %s: %w", path, err)
	}
	var sum Sum
	h.Sum(sum[:0])
	return sum, n, nil
}

// Tuning. File contents in memory are at most prefetchBytes.
const (
	prefetchBytes = 16 << 20 // the ring that contents are read ahead into
	chunkShift    = 20
	chunkSize     = 1 << chunkShift // files are read in pieces of at most this size
	jobQueue      = 8192            // pieces the walker may list ahead of the readers
	batchSize     = 128             // walker tasks handed to the hasher at once
	freeEvery     = 1 << 20         // ring bytes the hasher frees at once, unless the walker waits
)

// readers is the number of goroutines prefetching files. They spend most
// of their time in open/read/close; a few more than the cores helps.
// Tests change it and prefetch.
var (
	readers  = max(4, 2*runtime.NumCPU())
	prefetch = int64(prefetchBytes)
)

// A run is one call of dump: the walker, the readers and the hasher talk
// through it.
type run struct {
	stop  chan struct{} // closed when the hasher is done or gives up
	tasks chan []task   // walker -> hasher, in NAR order
	jobs  chan *job     // walker -> readers, in NAR order
	ring  *ring
	wg    sync.WaitGroup
	// idle is set while the hasher waits. Whoever wakes it then yields, so
	// that it runs at once rather than queue behind busy readers.
	idle atomic.Bool
}

// dump writes the NAR of path to h and returns its size. Every goroutine
// it starts has ended, and every descriptor it opened is closed, when it
// returns.
func dump(h hash.Hash, path string) (int64, error) {
	path = filepath.Clean(path)
	fi, err := os.Lstat(path)
	if err != nil {
		return 0, err
	}
	r := &run{
		stop:  make(chan struct{}),
		tasks: make(chan []task, jobQueue/batchSize),
		jobs:  make(chan *job, jobQueue),
	}
	r.ring = newRing(max(prefetch, 2*chunkSize))
	r.wg.Add(1 + readers)
	go r.walk(path, fi)
	for range readers {
		go r.read()
	}
	n, err := r.hash(h)
	close(r.stop)
	r.ring.halt()
	r.wg.Wait()
	r.ring.release()
	for j := range r.jobs { // left by a stop
		if j.dir != nil {
			j.dir.release()
		}
	}
	return n, err
}

// yield lets the hasher run at once if it was waiting.
func (r *run) yield() {
	if r.idle.Load() {
		runtime.Gosched()
	}
}

// hasher is the goroutine that owns the hash.
type hasher struct {
	*run
	stage
	hashed int64 // ring position up to which pieces are hashed
	freed  int64 // ring position up to which they are freed
}

// hash consumes the tasks in order and writes the NAR to h.
func (r *run) hash(h hash.Hash) (int64, error) {
	x := &hasher{run: r, stage: stage{h: h, b: make([]byte, 0, stageSize+inlineSize+1024)}}
	x.b = append(x.b, magic...)
	for {
		var batch []task
		var ok bool
		select {
		case batch, ok = <-r.tasks:
		default:
			x.free() // the walker may wait for it
			r.idle.Store(true)
			batch, ok = <-r.tasks
			r.idle.Store(false)
		}
		if !ok {
			break
		}
		for i := range batch {
			t := &batch[i]
			if len(x.b) >= stageSize {
				x.flush()
			}
			if t.name != "" && t.kind != taskDirClose && t.kind != taskErr {
				x.b = append(x.b, entryOpen...)
				x.b = appendStr(x.b, t.name)
				x.b = append(x.b, entryNode...)
			}
			switch t.kind {
			case taskDirOpen:
				x.b = append(x.b, dirOpen...)
				continue // closed by its taskDirClose
			case taskDirClose:
			case taskSymlink:
				x.b = append(x.b, symlinkOpen...)
				x.b = appendStr(x.b, t.target)
			case taskFile:
				if err := x.file(t); err != nil {
					return 0, err
				}
			case taskErr:
				return 0, t.err
			}
			x.b = append(x.b, closeTok...)
			if t.name != "" {
				x.b = append(x.b, closeTok...)
			}
		}
		clear(batch) // drop references to hashed contents early
	}
	x.flush()
	return x.n, nil
}

// file hashes a regular file's node up to its closing token.
func (x *hasher) file(t *task) error {
	if t.exec {
		x.b = append(x.b, execOpen...)
	} else {
		x.b = append(x.b, fileOpen...)
	}
	x.b = binary.LittleEndian.AppendUint64(x.b, uint64(t.size))
	for j := t.job; j != nil; j = j.next {
		if err := x.piece(j); err != nil {
			return err
		}
	}
	x.b = appendPad(x.b, uint64(t.size))
	return nil
}

// piece hashes one piece of a file once a reader has read it.
func (x *hasher) piece(j *job) error {
	select {
	case <-j.done:
	default:
		x.free()
		x.idle.Store(true)
		<-j.done
		x.idle.Store(false)
	}
	if j.err != nil {
		return j.err
	}
	x.write(j.data)
	j.data = nil
	x.hashed = j.end
	if x.hashed-x.freed >= freeEvery {
		x.free()
	}
	return nil
}

// free hands the ring space of hashed pieces back to the walker.
func (x *hasher) free() {
	if x.hashed != x.freed {
		x.ring.free(x.hashed)
		x.freed = x.hashed
	}
}
