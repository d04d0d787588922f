package resolve

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// recordingPrefetcher answers every request with one pin and keeps the
// requests.
type recordingPrefetcher struct{ reqs []Request }

func (r *recordingPrefetcher) Prefetch(_ context.Context, req Request) (Pin, error) {
	r.reqs = append(r.reqs, req)
	return Pin{Rev: "0123456789abcdef0123456789abcdef01234567", Hash: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", Version: "1.0.0"}, nil
}

// A GitHub source whose build reads a submodule is hashed as a checkout
// with its submodules (fetchFromGitHub's fetchSubmodules), and a pin on
// disk hashed without them is not reused.
func TestSourceSubmodules(t *testing.T) {
	existing := []byte(`{ src = pkgs.fetchFromGitHub { owner = "acme"; repo = "relay"; rev = "fedcba9876543210fedcba9876543210fedcba98"; hash = "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="; }; }`)
	for _, tc := range []struct {
		name       string
		subs       []model.Submodule
		wantReq    Request
		submodules bool
	}{
		{"none read", []model.Submodule{{Path: "website"}},
			Request{Fetcher: GitHub, URL: "https://github.com/acme/relay", Owner: "acme", Repo: "relay"}, false},
		{"one read", []model.Submodule{{Path: "libs/wire", CheckedOut: true, Build: true}},
			Request{Fetcher: Git, URL: "https://github.com/acme/relay", Owner: "acme", Repo: "relay", Submodules: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &model.Project{Language: model.Rust, Rust: &model.RustInfo{}, Submodules: tc.subs}
			rec := &recordingPrefetcher{}
			pin, err := Source(context.Background(), p, SourceOptions{
				Src:        model.Src{Kind: model.SrcGitHub, Owner: "acme", Repo: "relay", Rev: "v1.0.0"},
				Existing:   existing,
				Prefetcher: rec,
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []Request{tc.wantReq}
			want[0].Rev = "v1.0.0"
			if diff := cmp.Diff(want, rec.reqs); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if pin.Submodules != tc.submodules || pin.Fetcher != "fetchFromGitHub" {
				t.Errorf("pin = %+v", pin)
			}
		})
	}

	// Regenerating without a rev keeps a pin only when it was hashed with
	// the same submodules.
	p := &model.Project{Language: model.Rust, Rust: &model.RustInfo{}, Submodules: []model.Submodule{{Path: "libs/wire", Build: true}}}
	rec := &recordingPrefetcher{}
	if _, err := Source(context.Background(), p, SourceOptions{Src: model.Src{Kind: model.SrcGitHub, Owner: "acme", Repo: "relay"}, Existing: existing, Prefetcher: rec}); err != nil {
		t.Fatal(err)
	}
	if len(rec.reqs) != 1 {
		t.Errorf("the pin hashed without submodules was reused: %d prefetches", len(rec.reqs))
	}
}
