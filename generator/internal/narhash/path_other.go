//go:build !(linux && (amd64 || arm64))

package narhash

import (
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/nix-community/go-nix/pkg/nar"
)

// PathSize is Path that also returns the size of the NAR in bytes.
//
// Outside linux/amd64 and linux/arm64 it is go-nix's sequential
// nar.DumpPath: correct, without the prefetching.
func PathSize(path string) (Sum, int64, error) {
	h := sha256.New()
	c := &counter{w: h}
	if err := nar.DumpPath(c, path); err != nil {
		return Sum{}, 0, fmt.Errorf("nar hash of %s: %w", path, err)
	}
	var sum Sum
	h.Sum(sum[:0])
	return sum, c.n, nil
}

type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.w.Write(p)
}
