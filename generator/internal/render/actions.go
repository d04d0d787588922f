package render

import "github.com/nixgen/nixgen/generator/internal/model"

// action is a GitHub Action the generated workflows use: its current major
// tag, and the commit of the newest release under that tag for
// --pin-actions sha. Updating one is a one-line change here and a golden
// diff.
type action struct {
	Repo    string // owner/name
	Tag     string // the major tag, e.g. "v7"
	Release string // the release SHA is, e.g. "v7.0.1"
	SHA     string // its commit
}

// Actions by the name the renderers use.
var actions = map[string]action{
	"checkout":          {"actions/checkout", "v7", "v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1"},
	"install-nix":       {"cachix/install-nix-action", "v31", "v31.11.0", "630ae543ea3a38a9a4166f03376c02c50f408342"},
	"cachix":            {"cachix/cachix-action", "v17", "v17", "1eb2ef646ac0255473d23a5907ad7b04ce94065c"},
	"upload-artifact":   {"actions/upload-artifact", "v7", "v7.0.0", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f"},
	"download-artifact": {"actions/download-artifact", "v8", "v8.0.1", "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c"},
	"rust-cache":        {"Swatinem/rust-cache", "v2", "v2.9.2", "6323deb102c322ba6fcbdcafc7e3dddab59af2b6"},
	"setup-go":          {"actions/setup-go", "v7", "v7.0.0", "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e"},
	// No release tags: the branch names the toolchain it installs, and
	// installs rustup (with curl) where the image has none.
	"rust-toolchain": {"dtolnay/rust-toolchain", "stable", "stable", "29eef336d9b2848a0b548edc03f92a220660cdb8"},
}

// uses returns the value of a step's `uses:` for the named action. The
// values come from the table above, never from user input.
func uses(name, pin string) string {
	a, ok := actions[name]
	if !ok {
		panic("render: unknown action " + name)
	}
	if pin == model.PinSHA {
		return a.Repo + "@" + a.SHA + " # " + a.Release
	}
	return a.Repo + "@" + a.Tag
}

// runners maps a Nix system to the GitHub-hosted runner that builds it
// natively (labels from actions/runner-images' README).
var runners = map[string]string{
	"x86_64-linux":   "ubuntu-24.04",
	"aarch64-linux":  "ubuntu-24.04-arm",
	"aarch64-darwin": "macos-26",
	"x86_64-darwin":  "macos-26-intel",
}
