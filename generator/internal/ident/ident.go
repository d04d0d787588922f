// Package ident holds the grammars of the names that cross from the user or
// the project into another language (a Cachix cache, a GitHub repository, a
// Nix system): one regular expression per kind of name, in one place, so
// that every entry point accepts and refuses the same values.
package ident

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

var (
	cachixNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	repoRE       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$`)
)

// CachixName reports whether name can be a Cachix cache name.
func CachixName(name string) bool { return cachixNameRE.MatchString(name) }

// GitHubRepo reports whether s is a GitHub repository as OWNER/REPO.
func GitHubRepo(s string) bool {
	owner, repo, _ := strings.Cut(s, "/")
	return repoRE.MatchString(s) && repo != "." && repo != ".." && !strings.HasSuffix(owner, "-")
}

// System reports whether s is a Nix system a workflow can build on a
// native runner.
func System(s string) bool { return slices.Contains(model.Systems, s) }

var branchRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$`)

// Branch reports whether s can be a git branch name in a flake URL.
func Branch(s string) bool {
	return branchRE.MatchString(s) && !strings.Contains(s, "..") && !strings.HasSuffix(s, "/")
}

var scpLikeRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[^-]`)

// FetchURL checks a URL that reaches git as an argument: https, ssh, git
// or file URLs, or scp-style user@host:path. Nothing that starts with "-"
// (git would read it as an option, --upload-pack runs a command) and no
// control characters.
func FetchURL(u string) error {
	if u == "" {
		return fmt.Errorf("empty URL")
	}
	if strings.HasPrefix(u, "-") {
		return fmt.Errorf("a URL cannot start with \"-\"")
	}
	for _, r := range u {
		if r < 0x20 || r == 0x7f || r == ' ' {
			return fmt.Errorf("a URL cannot contain spaces or control characters")
		}
	}
	for _, scheme := range []string{"https://", "ssh://", "git://", "file://", "git+ssh://", "ssh+git://"} {
		if strings.HasPrefix(u, scheme) && len(u) > len(scheme) && u[len(scheme)] != '-' {
			return nil
		}
	}
	if scpLikeRE.MatchString(u) {
		return nil
	}
	return fmt.Errorf("want an https://, ssh://, git:// or file:// URL, or user@host:path")
}

var (
	envNameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	flagNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

// EnvName reports whether s can be an environment variable name that is
// written into a shell script, a systemd unit and a Nix attribute set:
// a letter or underscore, then letters, digits and underscores.
func EnvName(s string) bool { return envNameRE.MatchString(s) }

var crateNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// CrateName reports whether s is a Cargo package name as crates.io takes
// them: ASCII letters, digits, "_" and "-", starting with a letter, at most
// 64 characters. The name becomes a Nix attribute, a unit, a user and an
// event name.
func CrateName(s string) bool { return crateNameRE.MatchString(s) }

// FlagName reports whether s can be a command-line flag's name, without
// its dashes ("listen-addr", "http.port"): letters, digits, ".", "_" and
// "-", starting with a letter or digit.
func FlagName(s string) bool { return flagNameRE.MatchString(s) }

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)

// ListenHost reports whether s can be the host a server listens on, as
// it is written into the module and the unit: "" (every interface), an
// IP address, or a host name.
func ListenHost(s string) bool {
	return s == "" || net.ParseIP(s) != nil || len(s) <= 253 && hostnameRE.MatchString(s)
}

// Port reports whether s is a TCP port a service can listen on: 1 to
// 65535, in decimal digits.
func Port(s string) (int, bool) {
	if s == "" || len(s) > 5 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 65535
}

var (
	listenerNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,31}$`)
	configKeyRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64}){0,7}$`)
)

// ListenerName reports whether s can name a listener: it becomes a
// module option (services.NAME.smtp.port), so lower-case letters and
// digits, starting with a letter.
func ListenerName(s string) bool { return listenerNameRE.MatchString(s) }

// ConfigKey reports whether s is a dotted path into a configuration file
// ("server.address") that the module can write as Nix attributes.
func ConfigKey(s string) bool { return configKeyRE.MatchString(s) }

var (
	cargoFeatureRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_+.-]{0,63}$`)
	testPathRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*$`)
)

// CargoFeature reports whether s names a Cargo feature as nixgen.toml
// writes them: "feature", "package/feature" or "package/dependency/feature"
// (a feature, ASCII letters, digits, "_", "-", "+" and "."; packages and
// dependencies crate names). It goes into a --features argument and a Nix
// string.
func CargoFeature(s string) bool {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || !cargoFeatureRE.MatchString(parts[len(parts)-1]) {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if !CrateName(p) {
			return false
		}
	}
	return true
}

// TestPath reports whether s names a test as a test runner filters it: a
// Rust test path ("db::tests::connects") or a Go test function
// ("TestConnect"). It goes into a --skip argument on a shell's command
// line and a Nix string.
func TestPath(s string) bool { return len(s) <= 256 && testPathRE.MatchString(s) }
