package resolve

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// VendorHasher computes a Go module's vendorHash; GoVendorHasher is the
// real one (it runs `go mod vendor`).
type VendorHasher interface {
	Hash(ctx context.Context, root string) (GoVendorHash, error)
}

// KnownVendor is a vendorHash computed before, with what it was computed
// from (as nixgen.toml records it).
type KnownVendor struct {
	Hash   string // the hash, or "null"
	Go     string // the Go minor version
	Inputs string // VendorInputs' digest then
	// Deps is what the dependencies' cgo directives named in that vendor
	// tree; nil when not recorded.
	Deps *model.GoDeps
}

// VendorOptions say how GoVendor gets the hash.
type VendorOptions struct {
	Fake   bool         // write lib.fakeHash
	Rehash bool         // recompute even when the inputs did not change
	Known  KnownVendor  // the hash recorded last time
	Hasher VendorHasher // nil: GoVendorHasher
	// Progress hears about a long `go mod vendor`; nil for none.
	Progress io.Writer
	// Environ is the environment whose GOFLAGS counts; nil: os.Environ().
	Environ []string
	// ReadDeps reads what the dependencies need from C in the vendor tree
	// the hash is computed from (model.GoInfo.Deps); nil: not read.
	ReadDeps func(vendor fs.FS) (*model.GoDeps, []string, error)
}

// GoVendor fills the vendorHash of the Go project p, read through fsys and
// rooted at dir on disk: nothing to do when vendorHash is null,
// lib.fakeHash (with a warning) when fake, the recorded hash when its
// inputs are unchanged, else computed by the hasher.
func GoVendor(ctx context.Context, p *model.Project, fsys fs.FS, dir string, o VendorOptions) error {
	g := p.Go
	switch {
	case g == nil || g.VendorNull:
		return nil
	case o.Fake:
		p.Warnings = append(p.Warnings, "vendorHash is lib.fakeHash (--vendor-hash fake): run `nix build` and replace it with the `got: sha256-...` hash Nix reports")
		return nil
	}
	environ := o.Environ
	if environ == nil {
		environ = os.Environ()
	}
	inputs, err := VendorInputs(fsys, g, environ)
	if err != nil {
		return err
	}
	requires := 0
	if data, err := projfs.ReadFile(fsys, "go.mod"); err == nil {
		if mf, err := modfile.ParseLax("go.mod", data, nil); err == nil {
			requires = len(mf.Require)
		}
	}
	g.VendorInputs = inputs
	if k := o.Known; !o.Rehash && k.Inputs == inputs && k.Hash != "" && (k.Deps != nil || o.ReadDeps == nil) {
		if k.Hash == "null" {
			g.VendorNull = true
		} else {
			g.VendorHash, g.HashGo = k.Hash, k.Go
		}
		g.Deps = k.Deps
		return nil
	}
	hasher := o.Hasher
	if hasher == nil {
		hasher = &GoVendorHasher{Environ: o.Environ, ReadDeps: o.ReadDeps}
	}
	done := announce(o.Progress, fmt.Sprintf("vendorHash: go mod vendor (%d %s in go.mod)", requires, plural(requires, "requirement", "requirements")))
	h, err := hasher.Hash(ctx, dir)
	done()
	if err != nil {
		return err
	}
	g.VendorHash, g.VendorNull, g.HashGo = h.Hash, h.Null, h.GoVersion
	g.Deps = h.Deps
	p.Warnings = append(p.Warnings, h.Warnings...)
	return nil
}

// vendorInputsVersion changes when nixgen vendors differently, so that a
// hash recorded by an older nixgen is recomputed.
const vendorInputsVersion = "nixgen vendor inputs 1"

// VendorInputs digests what decides the vendor tree: go.mod and go.sum,
// the go.mod and go.sum of every module replaced by a local directory, and
// GOFLAGS (which can change what `go mod vendor` does). The Go version is
// not part of it: the flake builds with the Go the hash was computed with.
func VendorInputs(fsys fs.FS, g *model.GoInfo, environ []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", vendorInputsVersion)
	add := func(name string, optional bool) error {
		data, err := projfs.ReadFile(fsys, name)
		if optional && errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(h, "%s absent\n", name)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
		return nil
	}
	if err := add("go.mod", false); err != nil {
		return "", err
	}
	if err := add("go.sum", true); err != nil {
		return "", err
	}
	for _, dir := range g.LocalReplaces {
		for _, f := range []string{"go.mod", "go.sum"} {
			if err := add(path.Join(dir, f), true); err != nil {
				return "", err
			}
		}
	}
	for _, kv := range environ {
		if len(kv) >= 8 && kv[:8] == "GOFLAGS=" {
			fmt.Fprintf(h, "%s\n", kv)
		}
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// announce prints what is running when it takes longer than a moment, and
// how long it took; the returned function ends it.
func announce(w io.Writer, what string) func() {
	if w == nil {
		return func() {}
	}
	start := time.Now()
	timer := time.AfterFunc(500*time.Millisecond, func() { fmt.Fprintf(w, "%s ...\n", what) })
	return func() {
		if !timer.Stop() {
			fmt.Fprintf(w, "%s: done in %.1f s\n", what, time.Since(start).Seconds())
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
