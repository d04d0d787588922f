// Package diag holds nixgen's typed errors and warnings. Lower layers return
// these; only the command line turns them into exit codes (see ExitCode).
package diag

import (
	"errors"
	"fmt"
	"strings"
)

// Exit codes, documented in the README and in `nixgen --help`.
const (
	ExitOK    = 0 // success
	ExitDrift = 1 // a check found generated files or pins out of date
	ExitInput = 2 // bad usage or bad input; nothing was written
	ExitTool  = 3 // an external tool, the network or the disk failed (ToolError, WriteError)
)

// InputError is a problem with the user's project files or flags.
// File, Line and Col locate it when known.
type InputError struct {
	File      string
	Line, Col int
	Msg       string
	Hint      string // what to do about it, if anything
	Err       error
}

func (e *InputError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Col > 0 {
				fmt.Fprintf(&b, ":%d", e.Col)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\n  hint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// Inputf returns an InputError without a position.
func Inputf(format string, args ...any) *InputError {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// ToolError is a failure of an external command or of the network.
type ToolError struct {
	Command string // the command line that failed, as a user could re-run it
	Stderr  string
	Err     error
}

func (e *ToolError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Command, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += "\n" + indent(s)
	}
	return msg
}

func (e *ToolError) Unwrap() error { return e.Err }

// WriteError is a failure to write the generated files (a full disk, a
// read-only file system, a symlink leading out of the tree). It maps to
// ExitTool: the input was fine, the machine refused. Nothing was changed.
type WriteError struct {
	Path string // the file or directory, as the user named it
	Err  error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("writing %s: %v; nothing was written", e.Path, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// ExistsError reports files that would be overwritten.
type ExistsError struct{ Paths []string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("refusing to overwrite %s; nothing was written\n  hint: pass --force to replace, or --dry-run to see the output",
		strings.Join(e.Paths, ", "))
}

// DriftError reports generated files or pins that differ from what nixgen
// would produce now.
type DriftError struct{ Msg string }

func (e *DriftError) Error() string { return e.Msg }

// ExitCode maps an error returned by nixgen's library to a process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var drift *DriftError
	var tool *ToolError
	var write *WriteError
	switch {
	case errors.As(err, &drift):
		return ExitDrift
	case errors.As(err, &tool), errors.As(err, &write):
		return ExitTool
	default:
		return ExitInput
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
