package resolve

import (
	"context"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// VendorHasher computes a Go module's vendorHash; GoVendorHasher is the
// real one (it runs `go mod vendor`).
type VendorHasher interface {
	Hash(ctx context.Context, root string) (GoVendorHash, error)
}

// GoVendor fills the vendorHash of the Go project p, rooted at dir on
// disk: nothing to do when vendorHash is null, lib.fakeHash (with a
// warning) when fake, else computed by hasher (nil: GoVendorHasher).
func GoVendor(ctx context.Context, p *model.Project, dir string, fake bool, hasher VendorHasher) error {
	g := p.Go
	switch {
	case g == nil || g.VendorNull:
		return nil
	case fake:
		p.Warnings = append(p.Warnings, "vendorHash is lib.fakeHash (--vendor-hash fake): run `nix build` and replace it with the `got: sha256-...` hash Nix reports")
		return nil
	}
	if hasher == nil {
		hasher = &GoVendorHasher{}
	}
	h, err := hasher.Hash(ctx, dir)
	if err != nil {
		return err
	}
	g.VendorHash, g.VendorNull, g.HashGo = h.Hash, h.Null, h.GoVersion
	return nil
}
