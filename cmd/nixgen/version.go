package main

import (
	"fmt"
	"runtime/debug"

	"golang.org/x/mod/semver"

	"github.com/urfave/cli/v2"
)

func versionCommand(u *ui) *cli.Command {
	return &cli.Command{
		Name:        "version",
		Usage:       "print nixgen's version (also: nixgen --version)",
		Description: "Prints the module version and VCS revision nixgen was built from.\n\nExample:\n   nixgen version",
		Action: func(*cli.Context) error {
			u.resultf("nixgen %s\n", version())
			return nil
		},
	}
}

// version reads the build info the Go toolchain embeds.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev != "" && (v == "" || v == "(devel)") {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return fmt.Sprintf("(devel) %s%s", rev, dirty)
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}

// versionOverrideEnv, when set, is the version nixgenPin returns. The golden
// tests set it so that their output does not depend on how the test binary
// was built; nothing else should.
const versionOverrideEnv = "NIXGEN_VERSION_OVERRIDE"

// nixgenPin is the version of this nixgen that the generated CI job runs
// (go run github.com/nixgen/nixgen/cmd/nixgen@VERSION): the main module's
// version from the build info when go run can fetch it, "" otherwise (a
// (devel) build, or one with local changes: the job then runs @latest and
// its comment asks for a pin).
func nixgenPin(getenv func(string) string) string {
	if v := getenv(versionOverrideEnv); v != "" {
		return v
	}
	info, ok := debug.ReadBuildInfo()
	if !ok || !fetchableVersion(info.Main.Version) {
		return ""
	}
	return info.Main.Version
}

// fetchableVersion reports whether v is a module version go run can fetch:
// a semantic version (a release, a pre-release or a pseudo-version) without
// build metadata such as +dirty.
func fetchableVersion(v string) bool {
	return semver.IsValid(v) && semver.Build(v) == ""
}
