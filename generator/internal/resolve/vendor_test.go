package resolve

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// slowHasher stands for `go mod vendor`; it counts its calls.
type slowHasher struct {
	calls int
	delay time.Duration
}

func (h *slowHasher) Hash(context.Context, string) (GoVendorHash, error) {
	h.calls++
	time.Sleep(h.delay)
	return GoVendorHash{Hash: "sha256-computed", GoVersion: "1.26"}, nil
}

func goProject() *model.Project {
	return &model.Project{Language: model.Go, Go: &model.GoInfo{}}
}

var vendorFS = fstest.MapFS{
	"go.mod": {Data: []byte("module example.com/x\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n")},
	"go.sum": {Data: []byte("example.com/a v1.0.0 h1:x\n")},
}

// The recorded hash is reused while the inputs are the same; a changed
// go.sum, GOFLAGS or --rehash computes it again.
func TestGoVendorReuse(t *testing.T) {
	ctx := context.Background()
	h := &slowHasher{}
	p := goProject()
	if err := GoVendor(ctx, p, vendorFS, ".", VendorOptions{Hasher: h, Environ: []string{}}); err != nil {
		t.Fatal(err)
	}
	if h.calls != 1 || p.Go.VendorHash != "sha256-computed" || p.Go.VendorInputs == "" {
		t.Fatalf("first run: calls %d, %+v", h.calls, p.Go)
	}
	known := KnownVendor{Hash: p.Go.VendorHash, Go: p.Go.HashGo, Inputs: p.Go.VendorInputs}

	p = goProject()
	if err := GoVendor(ctx, p, vendorFS, ".", VendorOptions{Hasher: h, Known: known, Environ: []string{}}); err != nil {
		t.Fatal(err)
	}
	if h.calls != 1 || p.Go.VendorHash != "sha256-computed" || p.Go.HashGo != "1.26" {
		t.Errorf("unchanged inputs: calls %d, %+v; want the recorded hash and no call", h.calls, p.Go)
	}

	for name, o := range map[string]VendorOptions{
		"rehash":  {Hasher: h, Known: known, Rehash: true, Environ: []string{}},
		"goflags": {Hasher: h, Known: known, Environ: []string{"GOFLAGS=-mod=mod"}},
	} {
		before := h.calls
		if err := GoVendor(ctx, goProject(), vendorFS, ".", o); err != nil {
			t.Fatal(err)
		}
		if h.calls != before+1 {
			t.Errorf("%s: go mod vendor did not run", name)
		}
	}
	changed := fstest.MapFS{"go.mod": vendorFS["go.mod"], "go.sum": {Data: []byte("example.com/a v1.0.1 h1:y\n")}}
	before := h.calls
	if err := GoVendor(ctx, goProject(), changed, ".", VendorOptions{Hasher: h, Known: known, Environ: []string{}}); err != nil {
		t.Fatal(err)
	}
	if h.calls != before+1 {
		t.Error("a changed go.sum reused the old hash")
	}
}

// What the dependencies need from C is recorded with the hash: reused
// with it, and a record without it (an older nixgen.toml) reads the vendor
// tree again.
func TestGoVendorReuseDeps(t *testing.T) {
	ctx := context.Background()
	h := &slowHasher{}
	readDeps := func(fs.FS) (*model.GoDeps, []string, error) { return nil, nil, nil }
	p := goProject()
	if err := GoVendor(ctx, p, vendorFS, ".", VendorOptions{Hasher: h, Environ: []string{}}); err != nil {
		t.Fatal(err)
	}
	deps := &model.GoDeps{Cgo: true, CLibs: model.CLibs{Libs: []string{"pcap"}}}
	known := KnownVendor{Hash: p.Go.VendorHash, Go: p.Go.HashGo, Inputs: p.Go.VendorInputs, Deps: deps}
	p = goProject()
	if err := GoVendor(ctx, p, vendorFS, ".", VendorOptions{Hasher: h, Known: known, Environ: []string{}, ReadDeps: readDeps}); err != nil {
		t.Fatal(err)
	}
	if h.calls != 1 || p.Go.Deps != deps {
		t.Errorf("recorded deps: calls %d, deps %+v; want no call and the record", h.calls, p.Go.Deps)
	}
	known.Deps = nil
	if err := GoVendor(ctx, goProject(), vendorFS, ".", VendorOptions{Hasher: h, Known: known, Environ: []string{}, ReadDeps: readDeps}); err != nil {
		t.Fatal(err)
	}
	if h.calls != 2 {
		t.Errorf("a record without deps: calls %d, want go mod vendor again", h.calls)
	}
}

// A long go mod vendor says what it is doing, with the number of
// requirements, and how long it took; a short one says nothing.
func TestGoVendorProgress(t *testing.T) {
	var out bytes.Buffer
	h := &slowHasher{delay: 700 * time.Millisecond}
	if err := GoVendor(context.Background(), goProject(), vendorFS, ".", VendorOptions{Hasher: h, Progress: &out, Environ: []string{}}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "go mod vendor (2 requirements in go.mod) ...") || !strings.Contains(got, "done in") {
		t.Errorf("progress %q", got)
	}
	out.Reset()
	h.delay = 0
	if err := GoVendor(context.Background(), goProject(), vendorFS, ".", VendorOptions{Hasher: h, Progress: &out, Environ: []string{}}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("a quick run printed %q", out.String())
	}
}
