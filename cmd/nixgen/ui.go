package main

import (
	"github.com/nixgen/nixgen/generator"

	"fmt"
	"io"
	"os"
)

// ui is how commands talk to the user: results on stdout; warnings,
// progress and errors on stderr. --quiet keeps only results and errors,
// --verbose adds what detection found. Colour is used only on a terminal,
// and never when NO_COLOR is set (https://no-color.org) or TERM=dumb.
type ui struct {
	out, err       io.Writer
	quiet, verbose bool
	color          bool
	// nixgen is this nixgen's version as generated CI pins it (nixgenPin).
	nixgen string
}

func newUI(stdout, stderr io.Writer, getenv func(string) string) *ui {
	return &ui{
		out:    stdout,
		err:    stderr,
		color:  getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && isTerminal(stderr),
		nixgen: nixgenPin(getenv),
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

const (
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	reset  = "\x1b[0m"
)

func (u *ui) paint(color, s string) string {
	if !u.color {
		return s
	}
	return color + s + reset
}

// infof prints a result line on stdout, unless --quiet.
func (u *ui) infof(format string, args ...any) {
	if !u.quiet {
		fmt.Fprintf(u.out, format, args...)
	}
}

// warnf prints a warning on stderr, unless --quiet.
func (u *ui) warnf(format string, args ...any) {
	if !u.quiet {
		fmt.Fprintf(u.err, "%s %s\n", u.paint(yellow, "warning:"), fmt.Sprintf(format, args...))
	}
}

// debugf prints detail on stderr with --verbose.
func (u *ui) debugf(format string, args ...any) {
	if u.verbose {
		fmt.Fprintf(u.err, "nixgen: "+format+"\n", args...)
	}
}

// errorf prints the final error of a failed command.
func (u *ui) errorf(err error) {
	fmt.Fprintf(u.err, "%s %v\n", u.paint(red, "nixgen:"), err)
}

// resultf prints a result on stdout, even with --quiet.
func (u *ui) resultf(format string, args ...any) {
	fmt.Fprintf(u.out, format, args...)
}

// report prints a command's warnings, and with --verbose what it found.
func (u *ui) report(r *generator.Report) {
	for _, w := range r.Warnings {
		u.warnf("%s", w)
	}
	for _, line := range r.Details {
		u.debugf("%s", line)
	}
}

// progress is where long work reports progress: stderr when it is a
// terminal and --quiet was not given, else nowhere, so logs and tests
// stay quiet.
func (u *ui) progress() io.Writer {
	if u.quiet || !isTerminal(u.err) {
		return nil
	}
	return u.err
}
