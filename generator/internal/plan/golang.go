package plan

import (
	"fmt"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// GoToolchain chooses the Go toolchain of a Go project. It runs after
// resolve: a vendorHash is only valid for the Go minor version it was
// computed with, so that version wins; otherwise go.mod's go line decides,
// when pkgs has a versioned attribute for it.
func GoToolchain(g *model.GoInfo) {
	if g == nil {
		return
	}
	minor := goMinor(g.HashGo)
	if minor == "" && goMinor(g.GoVersion) != "" && versionAtLeast(goMinor(g.GoVersion), "1.25") {
		minor = goMinor(g.GoVersion)
	}
	if minor == "" {
		return
	}
	g.Toolchain = "go_" + strings.ReplaceAll(minor, ".", "_")
	if g.HashGo != "" {
		g.ToolchainWhy = "The vendorHash below was computed with Go " + g.HashGo + "; another Go version vendors differently."
	} else {
		g.ToolchainWhy = "go.mod asks for Go " + g.GoVersion + "."
	}
}

// goMinor returns "1.26" for "1.26", "1.26.3" or "go1.26.3"; "" otherwise.
func goMinor(v string) string {
	v = strings.TrimPrefix(v, "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	return parts[0] + "." + parts[1]
}

// versionAtLeast compares two "1.N" Go minor versions.
func versionAtLeast(v, min string) bool {
	var a, b, c, d int
	fmt.Sscanf(v, "%d.%d", &a, &b)
	fmt.Sscanf(min, "%d.%d", &c, &d)
	return a > c || a == c && b >= d
}
