//go:build linux && (amd64 || arm64)

package narhash

// Tests of the prefetching pipeline's internals: the ring, errors mid-run.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestPieceSize(t *testing.T) {
	if chunkSize != mib {
		t.Fatalf("chunkSize = %d, but the tests' sizes are built around %d", chunkSize, mib)
	}
}

// setTuning runs a test with other readers and prefetch settings.
func setTuning(t *testing.T, r int, p int64) {
	oldR, oldP := readers, prefetch
	readers, prefetch = r, p
	t.Cleanup(func() { readers, prefetch = oldR, oldP })
}

func TestPathSmallRing(t *testing.T) {
	// With the smallest ring the walker waits for the hasher all the time,
	// and an odd size makes pieces skip the ring's end: this would hang or
	// mix contents if the walker, readers and hasher did not hand over
	// right.
	root := filepath.Join(t.TempDir(), "r")
	randomTree(t, root, 7, 400, 3*mib)
	for _, c := range []struct {
		readers  int
		prefetch int64
	}{{1, 0}, {1, 2*mib + 4097}, {3, 0}, {16, 2*mib + 1}, {2, 3*mib - 1}} {
		t.Run(fmt.Sprintf("readers=%d,prefetch=%d", c.readers, c.prefetch), func(t *testing.T) {
			setTuning(t, c.readers, c.prefetch)
			withTimeout(t, func() { checkPath(t, root) })
		})
	}
}

func TestPathErrorsMidRun(t *testing.T) {
	// Files that vanish after the walker listed them, of one piece or more,
	// early or late in a busy run.
	for _, c := range []struct{ name, victim string }{
		{"vanished-first", "a/001"},
		{"vanished-late", "z/399"},
		{"vanished-large", "m/big"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "r")
			for _, d := range []string{"a", "m", "z"} {
				for i := range 400 {
					write(t, filepath.Join(root, d, fmt.Sprintf("%03d", i)), randBytes(uint64(i), i*37), 0o644)
				}
			}
			write(t, filepath.Join(root, "m", "big"), randBytes(9, 3*mib), 0o644)
			victim := filepath.Join(root, c.victim)
			var calls int
			var mu sync.Mutex
			openHook = func(p string) {
				mu.Lock()
				defer mu.Unlock()
				if p != victim {
					return
				}
				calls++
				// The large file goes before its second piece is read.
				if !strings.HasSuffix(p, "big") || calls == 2 {
					os.Remove(p)
				}
			}
			defer func() { openHook = nil }()
			checkNoLeaks(t, func() {
				withTimeout(t, func() {
					_, err := Path(root)
					if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), victim) {
						t.Errorf("Path error = %v, want one wrapping fs.ErrNotExist and naming %s", err, victim)
					}
				})
			})
		})
	}
	t.Run("changed-large", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "r")
		big := filepath.Join(root, "big")
		write(t, big, randBytes(1, 2*mib), 0o644)
		var mu sync.Mutex
		calls := 0
		openHook = func(p string) {
			mu.Lock()
			defer mu.Unlock()
			if calls++; calls == 2 { // replaced before its second piece is read
				os.WriteFile(p+".new", randBytes(2, 2*mib), 0o644)
				os.Rename(p+".new", p)
			}
		}
		defer func() { openHook = nil }()
		_, err := Path(root)
		if err == nil || !strings.Contains(err.Error(), "changed") || !strings.Contains(err.Error(), big) {
			t.Errorf("Path error = %v, want one saying %s changed", err, big)
		}
	})
}
