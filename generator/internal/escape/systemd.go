package escape

import (
	"regexp"
	"strings"
)

// SystemdText makes s safe as a free-text unit setting (Description=): one
// line, no trailing backslash (systemd strips trailing blanks, then reads a
// backslash as a continuation that swallows the next line), "%" not a
// specifier.
func SystemdText(s string) string {
	s = strings.TrimRight(SystemdComment(s), " \t\\")
	return strings.ReplaceAll(s, "%", "%%")
}

// SystemdComment returns s made safe to follow "# " on one line of a unit
// file: line breaks and control characters become spaces, as in YAML.
func SystemdComment(s string) string {
	return YAMLComment(s)
}

var systemdSafe = regexp.MustCompile(`^[A-Za-z0-9_@+=:,./-]+$`)

var systemdQuoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "%", "%%")

// SystemdQuote writes s as a double-quoted systemd value (Environment=),
// with C escapes and "%" doubled so no specifier expands.
func SystemdQuote(s string) string {
	return `"` + systemdQuoter.Replace(s) + `"`
}

// SystemdArg is a plain value such as a path or a user name: bare when
// safe, quoted otherwise.
func SystemdArg(s string) string {
	if systemdSafe.MatchString(s) {
		return s
	}
	return SystemdQuote(s)
}

// SystemdExecArg is one word of ExecStart=: like SystemdArg, and "$"
// doubled so that systemd expands no variable.
func SystemdExecArg(s string) string {
	return strings.ReplaceAll(SystemdArg(s), "$", "$$")
}
