//go:build linux && (amd64 || arm64)

package narhash

import "sync"

// A ring is the memory that file pieces are read into ahead of the hasher.
// The walker reserves each piece's bytes in NAR order, before any reader
// sees the piece, and the hasher frees them in the same order once hashed:
// memory stays bounded, no reader ever waits for memory, and neighbouring
// small files share cache lines and pages.
//
// Positions are byte counts since the run began; a position p is at
// buf[p%len(buf)].
type ring struct {
	buf        []byte
	mu         sync.Mutex
	cond       sync.Cond
	head, tail int64 // reserved up to head, freed up to tail
	waiting    bool
	halted     bool
}

var ringPool sync.Pool // of *[]byte, so that repeated runs reuse the memory

func newRing(size int64) *ring {
	r := &ring{}
	if b, ok := ringPool.Get().(*[]byte); ok && int64(len(*b)) == size {
		r.buf = *b
	} else {
		r.buf = make([]byte, size)
	}
	r.cond.L = &r.mu
	return r
}

// release gives the memory back for later runs; nothing may use it after.
func (r *ring) release() {
	b := r.buf
	r.buf = nil
	ringPool.Put(&b)
}

// reserve returns n contiguous bytes (n at most half the ring) and the
// position of their end. Should it have to wait for the hasher to free
// space, it first calls beforeWait, which must not wait for the ring, and
// gives up if that returns false. It returns nil once halted.
func (r *ring) reserve(n int64, beforeWait func() bool) ([]byte, int64) {
	size := int64(len(r.buf))
	r.mu.Lock()
	defer r.mu.Unlock()
	for !r.halted {
		start := r.head
		if off := start % size; off+n > size {
			start += size - off // skip the end of the ring: pieces never wrap
		}
		if start+n-r.tail <= size {
			r.head = start + n
			off := start % size
			return r.buf[off : off+n : off+n], r.head
		}
		if beforeWait != nil {
			r.mu.Unlock()
			ok := beforeWait()
			r.mu.Lock()
			if !ok {
				return nil, 0
			}
			beforeWait = nil
			continue
		}
		r.waiting = true
		r.cond.Wait()
	}
	return nil, 0
}

// free frees everything up to position end.
func (r *ring) free(end int64) {
	r.mu.Lock()
	r.tail = end
	if r.waiting {
		r.waiting = false
		r.cond.Broadcast()
	}
	r.mu.Unlock()
}

// halt makes every reserve return nil from now on.
func (r *ring) halt() {
	r.mu.Lock()
	r.halted = true
	r.cond.Broadcast()
	r.mu.Unlock()
}
