package render

import (
	"fmt"
	"strings"

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
	v.Args = append(v.Args, binding{Name: "rev", Value: escape.NixString(pin.Rev)})
	if pin.Submodules && pin.Fetcher == "fetchFromGitHub" {
		// GitHub's archive leaves submodules empty; fetchgit's default
		// fetches them already.
		v.Args = append(v.Args, binding{Name: "fetchSubmodules", Value: "true"})
	}
	v.Args = append(v.Args, binding{Name: "hash", Value: escape.NixString(pin.Hash)})
	return v, nil
}

// extFilter is the fileset of the files of the language's own kinds
// anywhere in the tree (model.Language.SourceExts).
func extFilter(l model.Language) string {
	exts := l.SourceExts()
	if len(exts) == 1 {
		return "(lib.fileset.fileFilter (file: file.hasExt " + escape.NixString(exts[0]) + ") ./.)"
	}
	quoted := make([]string, len(exts))
	for i, e := range exts {
		quoted[i] = escape.NixString(e)
	}
	return "(lib.fileset.fileFilter (file: lib.any file.hasExt [ " + strings.Join(quoted, " ") + " ]) ./.)"
}

// selfSubmodules is the comment above inputs.self.submodules, escaped, or
// nil when the flake's own source needs no submodule (none is read, or
// src is a pinned fetch).
func selfSubmodules(p *model.Project, pinned bool) []string {
	paths := p.BuildSubmodules()
	if len(paths) == 0 || pinned {
		return nil
	}
	what := "the git submodule " + paths[0]
	if len(paths) > 1 {
		what = "the git submodules " + strings.Join(paths, ", ")
	}
	lines := []string{
		"The build reads " + what + ": Nix 2.27 and later",
		"copy submodules into this flake's source when asked. Where this flake is",
		"an input, name it git+https://HOST/OWNER/REPO: github: inputs cannot",
		"fetch submodules.",
	}
	for i, l := range lines {
		lines[i] = escape.NixComment(l)
	}
	return lines
}
