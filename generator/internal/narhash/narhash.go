// Package narhash computes the SHA-256 of the NAR serialisation of a file
// or directory, the value `nix hash path` prints, without Nix installed.
//
// Path overlaps the file system work with the hashing: one goroutine walks
// the tree in NAR order, a few readers prefetch the upcoming files, in
// pieces of at most 1 MiB, into a bounded ring of memory, and a single
// goroutine feeds the NAR framing and contents to one SHA-256. See path.go.
// Tar hashes the tree in a tar stream without extracting it.
package narhash

import (
	"fmt"
	"strings"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// Sum is a NAR SHA-256 digest.
type Sum [32]byte

// SRI returns the digest as an SRI string: "sha256-" and standard base64.
func (s Sum) SRI() string {
	return nixhash.MustNewHash(nixhash.SHA256, s[:]).Format(nixhash.SRI, true)
}

// Nix32 returns the digest in Nix's base32, without an algorithm prefix.
func (s Sum) Nix32() string {
	return nixhash.MustNewHash(nixhash.SHA256, s[:]).Format(nixhash.NixBase32, false)
}

// Path returns the NAR SHA-256 of the file, symlink or directory at path,
// like `nix hash path PATH`. Symlinks are stored, never followed, the top
// level included.
func Path(path string) (Sum, error) {
	sum, _, err := PathSize(path)
	return sum, err
}

// String returns the SRI form.
func (s Sum) String() string { return s.SRI() }

// Parse reads a SHA-256 digest in any form Nix prints: SRI
// ("sha256-<base64>"), "sha256:<nix32|base16|base64>", or a bare nix32,
// base16 or base64 digest.
func Parse(s string) (Sum, error) {
	algo := nixhash.SHA256
	h, err := nixhash.ParseAny(s, &algo)
	if err != nil {
		return Sum{}, fmt.Errorf("parse sha256 hash %q: %w", s, err)
	}
	var sum Sum
	copy(sum[:], h.Digest())
	return sum, nil
}

// ParseSRI reads a digest that must be in SRI form, "sha256-<base64>", as
// the hash attributes of Nix fetchers are written.
func ParseSRI(s string) (Sum, error) {
	if !strings.HasPrefix(s, "sha256-") {
		return Sum{}, fmt.Errorf("parse SRI hash %q: want the form sha256-<base64>", s)
	}
	return Parse(s)
}
