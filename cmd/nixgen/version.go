package main

import (
	"fmt"
	"runtime/debug"

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
