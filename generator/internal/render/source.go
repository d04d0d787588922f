package render

import (
	"fmt"

	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// sourceView is a pin as the fetcher call a flake binds to `src`: pkgs.Fetcher
// applied to Args, Nix syntax. The whole tree is the source: a pinned fetch
// never changes, so a filter would save no rebuilds, and it would drop files
// the build reads that nixgen cannot see (migrations, assets).
type sourceView struct {
	Fetcher string
	Args    []binding
}

func pinnedSource(pin *model.SourcePin) (*sourceView, error) {
	v := &sourceView{Fetcher: pin.Fetcher}
	switch pin.Fetcher {
	case "fetchFromGitHub":
		v.Args = []binding{{Name: "owner", Value: escape.NixString(pin.Owner)}, {Name: "repo", Value: escape.NixString(pin.Repo)}}
	case "fetchgit":
		v.Args = []binding{{Name: "url", Value: escape.NixString(pin.URL)}}
	default:
		return nil, fmt.Errorf("unknown fetcher %q", pin.Fetcher)
	}
	v.Args = append(v.Args, binding{Name: "rev", Value: escape.NixString(pin.Rev)}, binding{Name: "hash", Value: escape.NixString(pin.Hash)})
	return v, nil
}
