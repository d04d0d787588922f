package narhash

import (
	"encoding/binary"
	"hash"

	"github.com/nix-community/go-nix/pkg/nar"
)

// The NAR framing is appended by hand rather than through go-nix's
// nar.Writer: that writer hands every header to a goroutine over channels
// and writes each token with its own small Write, which costs more than the
// hashing itself on trees of small files. The output is the same bytes, and
// the tests check it against nar.DumpPath.

// appendStr appends s as a NAR string: little-endian uint64 length, the
// bytes, and zero padding to a multiple of 8.
func appendStr(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	b = append(b, s...)
	return appendPad(b, uint64(len(s)))
}

// appendPad appends the zero padding that follows n bytes of contents.
func appendPad(b []byte, n uint64) []byte {
	var zero [8]byte
	if m := n % 8; m != 0 {
		b = append(b, zero[:8-m]...)
	}
	return b
}

func tokens(ss ...string) []byte {
	var b []byte
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

var (
	// magic starts every NAR.
	magic = tokens("nix-archive-1")
	// entryOpen precedes the name of a directory entry, entryNode follows it.
	entryOpen = tokens("entry", "(", "name")
	entryNode = tokens("node")
	// closeTok ends a node or an entry.
	closeTok = tokens(")")

	dirOpen     = tokens("(", "type", nar.TypeDirectory.String())
	symlinkOpen = tokens("(", "type", nar.TypeSymlink.String(), "target")
	// fileOpen and execOpen end just before the contents' length.
	fileOpen = tokens("(", "type", nar.TypeRegular.String(), "contents")
	execOpen = tokens("(", "type", nar.TypeRegular.String(), "executable", "", "contents")
)

const (
	stageSize  = 32 << 10 // framing bytes gathered before each hash Write
	inlineSize = 4 << 10  // contents up to this size are copied into the stage
)

// stage gathers NAR framing and small contents so that the hash sees few,
// large writes.
type stage struct {
	h hash.Hash
	b []byte
	n int64 // bytes hashed so far
}

func (s *stage) flush() {
	s.h.Write(s.b)
	s.n += int64(len(s.b))
	s.b = s.b[:0]
}

// write hashes p, copying it into the stage when it is small.
func (s *stage) write(p []byte) {
	if len(p) <= inlineSize {
		s.b = append(s.b, p...)
		return
	}
	s.flush()
	s.h.Write(p)
	s.n += int64(len(p))
}
