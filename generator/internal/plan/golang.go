package plan

import (
	"fmt"
	"go/version"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// channelGo lists the Go minor versions each nixpkgs branch has a go_1_XX
// attribute for, oldest first. A flake that names an attribute its branch
// lacks fails evaluation, so the toolchain is chosen from this list.
//
// Where each fact was read (NixOS/nixpkgs pull requests and files, as held by
// the search index in 2026-09; the branches' own all-packages.nix could not be
// read there, so no row was checked against a branch checkout):
//   - go_1_22 was removed on master on 2025-03-28 (#394017), before 25.05
//     branched; go_1_23 on 2025-08-13 (pkgs/top-level/aliases.nix), after it.
//     go_1_24 was master's Go when 25.05 branched. No backport of go_1_25 to
//     release-25.05 was found, so 25.05 is taken not to have it.
//   - go_1_24's removal before 25.11 (#449147) was closed unmerged, so 25.11
//     is taken to keep it (not confirmed in the branch); go_1_25 was master's
//     Go; go_1_26 was backported to release-25.11 (#490463, 2026-02-14).
//   - go_1_26 was added on master on 2025-12-16 (#471483), before 26.05
//     branched; go_1_25 left master only on 2026-09-14 (#563177), after it;
//     go_1_27 was backported to release-26.05 (#559681, 2026-09-03). Whether
//     26.05 still has go_1_24 was not found; it is left out.
//   - nixos-unstable: go_1_25 removed (#563177); go_1_26 and go_1_27
//     (pkgs/development/compilers/go/1.27.nix at 1.27.2).
var channelGo = map[string][]string{
	"nixos-25.05":    {"1.23", "1.24"},
	"nixos-25.11":    {"1.24", "1.25", "1.26"},
	"nixos-26.05":    {"1.25", "1.26", "1.27"},
	"nixos-unstable": {"1.26", "1.27"},
}

// pinFrom is the oldest go line that gets a pinned toolchain without a
// vendorHash to match: every branch in channelGo has a default pkgs.go at
// least as new as the lines before it (25.05's is Go 1.24).
const pinFrom = "go1.25"

// GoToolchain chooses the Go toolchain of a Go project built from the
// nixpkgs branch channel. It runs after resolve: a vendorHash is only valid
// for the Go minor version it was computed with, so that version wins;
// otherwise go.mod's go line decides, and the branch's oldest Go that
// satisfies it is used. On a branch channelGo does not list, the attribute
// is named without a check.
func GoToolchain(g *model.GoInfo, channel string) error {
	if g == nil {
		return nil
	}
	have, known := channelGo[channelKey(channel)]
	if hash := goLang(g.HashGo); hash != "" {
		minor := minorOf(hash)
		if known && !slices.Contains(have, minor) {
			return &diag.InputError{
				Msg: fmt.Sprintf("the vendorHash was computed with Go %s, which %s does not have (it has %s)",
					minor, channel, attrList(have)),
				Hint: "run nixgen with a go command of one of those versions on PATH" + otherChannels(minor, channel),
			}
		}
		g.Toolchain = goAttr(minor)
		g.ToolchainWhy = "The vendorHash below was computed with Go " + g.HashGo + "; another Go version vendors differently."
		return nil
	}
	want := goLang(g.GoVersion)
	if want == "" || version.Compare(want, pinFrom) < 0 {
		return nil
	}
	minor := minorOf(want)
	if !known {
		g.Toolchain = goAttr(minor)
		g.ToolchainWhy = "go.mod asks for Go " + g.GoVersion + "."
		return nil
	}
	for _, v := range have {
		if version.Compare("go"+v, want) < 0 {
			continue
		}
		g.Toolchain = goAttr(v)
		g.ToolchainWhy = "go.mod asks for Go " + g.GoVersion + "."
		if v != minor {
			g.ToolchainWhy = "go.mod asks for Go " + g.GoVersion + "; Go " + v + " is the oldest " + channel + " has that satisfies it."
		}
		return nil
	}
	return &diag.InputError{
		File: "go.mod",
		Msg: fmt.Sprintf("go line %q needs Go %s, but %s has only %s",
			"go "+g.GoVersion, minor, channel, attrList(have)),
		Hint: "lower the go line to a version the branch has" + otherChannels(minor, channel),
	}
}

// channelKey maps a nixpkgs branch name to its row in channelGo: the -small
// and -darwin variants, nixpkgs-unstable and master share their branch's
// Go attributes.
func channelKey(channel string) string {
	switch channel {
	case "nixpkgs-unstable", "nixos-unstable-small", "master":
		return "nixos-unstable"
	}
	c := strings.TrimSuffix(strings.TrimSuffix(channel, "-small"), "-darwin")
	for _, prefix := range []string{"nixpkgs-", "release-"} {
		if rest, ok := strings.CutPrefix(c, prefix); ok {
			c = "nixos-" + rest
		}
	}
	return c
}

// otherChannels names the branches that have Go minor, as the end of a hint.
func otherChannels(minor, except string) string {
	var names []string
	for name, versions := range channelGo {
		if name != channelKey(except) && slices.Contains(versions, minor) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "; no nixpkgs branch nixgen knows has " + goAttr(minor) + " yet"
	}
	slices.Sort(names)
	return ", or choose a nixpkgs branch that has " + goAttr(minor) + " (--nixpkgs " + strings.Join(names, " or ") + ")"
}

// goLang returns the Go language version ("go1.26") of a go line, a Go
// release or a minor version: "1.26", "1.26.3", "go1.26.3" and "1.26rc1"
// all give "go1.26"; "" when v is none of these.
func goLang(v string) string {
	if v == "" {
		return ""
	}
	if !strings.HasPrefix(v, "go") {
		v = "go" + v
	}
	return version.Lang(v)
}

// minorOf returns "1.26" for the language version "go1.26".
func minorOf(lang string) string { return strings.TrimPrefix(lang, "go") }

// goAttr returns the nixpkgs attribute of Go minor, e.g. "go_1_26".
func goAttr(minor string) string { return "go_" + strings.ReplaceAll(minor, ".", "_") }

func attrList(versions []string) string {
	attrs := make([]string, len(versions))
	for i, v := range versions {
		attrs[i] = goAttr(v)
	}
	return strings.Join(attrs, ", ")
}
