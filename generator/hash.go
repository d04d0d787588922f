package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/narhash"
)

// Hash formats, for `nixgen hash --format`.
const (
	HashSRI    = "sri"    // sha256-<base64>, what fetchers' hash = ... takes
	HashNix32  = "nix32"  // nix-hash --base32; "base32" is an alias
	HashBase16 = "base16" // hexadecimal
)

// Hash returns the NAR SHA-256 of the file or directory at path, the value
// `nix hash path` prints, in format.
func Hash(path, format string) (string, error) {
	switch format {
	case HashSRI, HashNix32, "base32", HashBase16:
	default:
		return "", diag.Inputf("--format %q: want sri, nix32 or base16", format)
	}
	if _, err := os.Lstat(path); err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such file or directory"
		}
		return "", &diag.InputError{File: path, Msg: msg}
	}
	sum, err := narhash.Path(path)
	if err != nil {
		return "", &diag.InputError{File: path, Msg: err.Error(), Err: err}
	}
	switch format {
	case HashNix32, "base32":
		return sum.Nix32(), nil
	case HashBase16:
		return fmt.Sprintf("%x", sum[:]), nil
	}
	return sum.SRI(), nil
}
