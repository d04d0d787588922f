package plan

import (
	"errors"
	"go/version"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestGoToolchain(t *testing.T) {
	for _, tc := range []struct {
		name           string
		goLine, hashGo string
		channel        string
		toolchain      string
		why            string   // substring of ToolchainWhy
		errHas         []string // substrings of the error; nil means no error
		errFile        string
	}{
		{name: "rc line maps to its release", goLine: "1.26rc1", channel: "nixos-26.05",
			toolchain: "go_1_26", why: "go.mod asks for Go 1.26rc1."},
		{name: "beta line maps to its release", goLine: "1.27beta1", channel: "nixos-unstable",
			toolchain: "go_1_27"},
		{name: "patch line", goLine: "1.26.3", channel: "nixos-26.05", toolchain: "go_1_26"},
		{name: "go line newer than the branch", goLine: "1.28", channel: "nixos-26.05",
			errHas:  []string{`go line "go 1.28" needs Go 1.28`, "nixos-26.05 has only go_1_25, go_1_26, go_1_27", "no nixpkgs branch nixgen knows has go_1_28"},
			errFile: "go.mod"},
		{name: "go line newer than the branch, another has it", goLine: "1.27", channel: "nixos-25.11",
			errHas:  []string{`go line "go 1.27" needs Go 1.27`, "nixos-25.11 has only go_1_24, go_1_25, go_1_26", "--nixpkgs nixos-26.05 or nixos-unstable"},
			errFile: "go.mod"},
		{name: "go line older than the branch's oldest Go", goLine: "1.25.0", channel: "nixos-unstable",
			toolchain: "go_1_26", why: "Go 1.26 is the oldest nixos-unstable has"},
		{name: "go line the default Go satisfies", goLine: "1.22", channel: "nixos-26.05"},
		{name: "no go line", channel: "nixos-26.05"},
		{name: "hash with Go 1.26 on a branch that has it", goLine: "1.22", hashGo: "1.26", channel: "nixos-26.05",
			toolchain: "go_1_26", why: "computed with Go 1.26"},
		{name: "hash with Go 1.26 on 25.11", hashGo: "1.26", channel: "nixos-25.11", toolchain: "go_1_26"},
		{name: "hash with Go 1.26 on unstable", hashGo: "1.26", channel: "nixos-unstable", toolchain: "go_1_26"},
		{name: "hash with a Go the branch lacks", hashGo: "1.26", channel: "nixos-25.05",
			errHas: []string{"computed with Go 1.26", "nixos-25.05 does not have (it has go_1_23, go_1_24)", "--nixpkgs nixos-25.11 or nixos-26.05 or nixos-unstable"}},
		{name: "unstable line on unstable", goLine: "1.27", channel: "nixos-unstable", toolchain: "go_1_27"},
		{name: "small variant shares its branch", goLine: "1.28", channel: "nixos-unstable-small",
			errHas: []string{"nixos-unstable-small has only go_1_26, go_1_27"}, errFile: "go.mod"},
		{name: "darwin variant shares its branch", goLine: "1.26", channel: "nixpkgs-26.05-darwin", toolchain: "go_1_26"},
		{name: "unknown branch is not checked", goLine: "1.29", channel: "nixos-24.11", toolchain: "go_1_29"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &model.GoInfo{GoVersion: tc.goLine, HashGo: tc.hashGo}
			err := GoToolchain(g, tc.channel)
			if tc.errHas != nil {
				var ie *diag.InputError
				if !errors.As(err, &ie) {
					t.Fatalf("GoToolchain() error = %v, want an InputError", err)
				}
				if ie.File != tc.errFile {
					t.Errorf("error file = %q, want %q", ie.File, tc.errFile)
				}
				for _, s := range tc.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				if diag.ExitCode(err) != diag.ExitInput {
					t.Errorf("exit code = %d, want %d", diag.ExitCode(err), diag.ExitInput)
				}
				return
			}
			if err != nil {
				t.Fatalf("GoToolchain() error = %v", err)
			}
			if g.Toolchain != tc.toolchain {
				t.Errorf("Toolchain = %q, want %q", g.Toolchain, tc.toolchain)
			}
			if !strings.Contains(g.ToolchainWhy, tc.why) {
				t.Errorf("ToolchainWhy = %q, want it to say %q", g.ToolchainWhy, tc.why)
			}
		})
	}
}

func TestGoToolchainNil(t *testing.T) {
	if err := GoToolchain(nil, "nixos-26.05"); err != nil {
		t.Fatal(err)
	}
}

// TestChannelGoTable checks the table's shape: versions ascending, no
// duplicates, every one a Go minor version.
func TestChannelGoTable(t *testing.T) {
	for name, versions := range channelGo {
		for i, v := range versions {
			if goLang(v) != "go"+v {
				t.Errorf("%s: %q is not a Go minor version", name, v)
			}
			if i > 0 && version.Compare(goLang(versions[i-1]), goLang(v)) >= 0 {
				t.Errorf("%s: %q does not come after %q", name, v, versions[i-1])
			}
		}
	}
}
