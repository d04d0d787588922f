package render

import (
	"fmt"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/nixlang"
)

// pinnedSource writes a pin as the fetcher call bound to `src` at column
// indent. The whole tree is the source: a pinned fetch never changes, so a
// filter would save no rebuilds, and it would drop files the build reads
// that nixgen cannot see (migrations, assets).
func pinnedSource(pin *model.SourcePin, indent int) (string, error) {
	var args []binding
	switch pin.Fetcher {
	case "fetchFromGitHub":
		args = []binding{{Name: "owner", Value: nixlang.String(pin.Owner)}, {Name: "repo", Value: nixlang.String(pin.Repo)}}
	case "fetchgit":
		args = []binding{{Name: "url", Value: nixlang.String(pin.URL)}}
	default:
		return "", fmt.Errorf("unknown fetcher %q", pin.Fetcher)
	}
	args = append(args, binding{Name: "rev", Value: nixlang.String(pin.Rev)}, binding{Name: "hash", Value: nixlang.String(pin.Hash)})
	var b strings.Builder
	b.WriteString("pkgs." + pin.Fetcher + " {\n")
	for _, a := range args {
		fmt.Fprintf(&b, "%s%s = %s;\n", strings.Repeat(" ", indent+2), a.Name, a.Value)
	}
	b.WriteString(strings.Repeat(" ", indent) + "}")
	return b.String(), nil
}
