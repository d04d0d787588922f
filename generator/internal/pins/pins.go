// Package pins updates the pinned sources of Nix files: the rev and hash
// (and version, when a tag names it) of every fetchFromGitHub and fetchgit
// call, and with Deps the dependency hashes that follow from the project's
// lock files (cargoLock.outputHashes, Go's vendorHash).
//
// It works on files as data: Bump takes their contents and returns the new
// contents and a report; the caller writes them, all or none. The values
// are found with nixedit, a real Nix lexer and parser, and only their bytes
// change: comments, layout and every other byte stay as they were.
package pins

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/nixedit"
	"github.com/nixgen/nixgen/generator/internal/resolve"
)

// File is one Nix file: its path, as the user named it, and contents.
type File struct {
	Path string
	Data []byte
}

// Options control Bump.
type Options struct {
	// Rev moves every pin to this commit, tag or branch. "" moves each
	// pin along its kind: a release tag pin (rev = "v${version}", or a
	// literal version tag) to the newest release tag of the same form, any
	// other pin to the head of the remote's default branch.
	Rev string
	// Deps also refreshes cargoLock.outputHashes from Cargo.lock and Go's
	// vendorHash from go.mod and go.sum, found in Project.
	Deps bool
	// GitHubURL fetches GitHub repositories from GitHubURL/OWNER/REPO.
	GitHubURL string

	Prefetcher resolve.Prefetcher   // required
	Remote     resolve.Remote       // lists refs; nil: resolve.GitRemote
	Vendor     resolve.VendorHasher // nil: resolve.GoVendorHasher

	// Project is the project root (Cargo.lock, go.mod), and ProjectDir
	// the same directory on disk, where `go mod vendor` runs. Deps only.
	Project    fs.FS
	ProjectDir string

	Jobs     int       // prefetches at once; 0: resolve.DefaultJobs
	Progress io.Writer // a line per prefetch; nil for none
}

// Result is what Bump found and would change.
type Result struct {
	// Files holds the new contents of the files that change, by path.
	Files    map[string][]byte
	Changes  []Change
	Warnings []string
	// Pins and Deps count the pins and dependency hashes checked.
	Pins, Deps int
}

// Change is one value that is stale.
type Change struct {
	File      string
	Line, Col int    // where the old value starts
	Subject   string // "example/tool", `outputHashes."dep-0.1.0"`, "vendorHash"
	What      string // rev, tag, version, hash, sha256, vendorHash, or "new entry"
	Old, New  string
	Note      string // where New comes from, such as "tag v1.5.0"
}

func (c Change) String() string {
	if strings.HasPrefix(c.What, "new ") {
		return fmt.Sprintf("%s:%d:%d: %s: %s %s", c.File, c.Line, c.Col, c.Subject, c.What, c.New)
	}
	s := fmt.Sprintf("%s:%d:%d: %s: %s %s -> %s", c.File, c.Line, c.Col, c.Subject, c.What, short(c.Old), short(c.New))
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}

// short abbreviates commit hashes for the report.
func short(s string) string {
	if s == "" {
		return `""`
	}
	if len(s) == 40 && strings.Trim(s, "0123456789abcdef") == "" {
		return s[:12]
	}
	return s
}

// Drift returns a *diag.DriftError listing the stale values, or nil.
func (r *Result) Drift() error {
	if len(r.Changes) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d stale %s:", len(r.Changes), plural(len(r.Changes), "value", "values"))
	for _, c := range r.Changes {
		b.WriteString("\n  " + c.String())
	}
	b.WriteString("\n  hint: run `nixgen bump")
	if r.Deps > 0 {
		b.WriteString(" --deps")
	}
	b.WriteString("`, review the diff and commit it")
	return &diag.DriftError{Msg: b.String()}
}

// Bump finds the pins in files, prefetches what they should be, and
// returns the edited files. Nothing is returned, and so nothing written,
// unless every prefetch succeeded.
func Bump(ctx context.Context, files []File, opts Options) (*Result, error) {
	if opts.Prefetcher == nil {
		return nil, fmt.Errorf("pins: no prefetcher")
	}
	if opts.Remote == nil {
		opts.Remote = &resolve.GitRemote{}
	}
	b := &bumper{opts: opts, res: &Result{Files: map[string][]byte{}}, edits: make([][]edit, len(files))}
	b.files = files
	for i, f := range files {
		if err := b.findPins(i, f); err != nil {
			return nil, err
		}
	}
	if opts.Deps {
		if err := b.findDeps(); err != nil {
			return nil, err
		}
	}
	if err := b.checkRev(); err != nil {
		return nil, err
	}
	if err := b.resolveTargets(ctx); err != nil {
		return nil, err
	}
	if err := b.prefetch(ctx); err != nil {
		return nil, err
	}
	for _, p := range b.pins {
		if err := b.editPin(p); err != nil {
			return nil, err
		}
	}
	if err := b.editDeps(); err != nil {
		return nil, err
	}
	if err := b.apply(); err != nil {
		return nil, err
	}
	return b.res, nil
}

// bumper holds one run of Bump.
type bumper struct {
	opts  Options
	files []File
	res   *Result
	pins  []*pin
	cargo *cargoDeps
	gomod *goDeps
	edits [][]edit // per file
}

// edit is a nixedit.Edit with what it changes, for the report.
type edit struct {
	nixedit.Edit
	change Change
}

// addEdit records that the value v of file i should read text.
func (b *bumper) addEdit(i int, v nixedit.Value, text string, c Change) error {
	for _, e := range b.edits[i] {
		if e.Start == v.Start && e.End == v.End {
			if e.Text == text {
				return nil // two pins share a version binding
			}
			return &diag.InputError{File: b.files[i].Path, Line: c.Line, Col: c.Col,
				Msg: fmt.Sprintf("two pins want different values here: %s and %s", e.Text, text)}
		}
	}
	c.File = b.files[i].Path
	c.Line, c.Col = lineCol(b.files[i].Data, v.Start)
	b.edits[i] = append(b.edits[i], edit{Edit: nixedit.Edit{Start: v.Start, End: v.End, Text: text}, change: c})
	return nil
}

// apply makes the edits and fills the result.
func (b *bumper) apply() error {
	for i, f := range b.files {
		es := b.edits[i]
		if len(es) == 0 {
			continue
		}
		slices.SortFunc(es, func(x, y edit) int { return x.Start - y.Start })
		plain := make([]nixedit.Edit, len(es))
		for k, e := range es {
			plain[k] = e.Edit
			b.res.Changes = append(b.res.Changes, e.change)
		}
		out, err := nixedit.Apply(f.Data, plain)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		b.res.Files[f.Path] = out
	}
	return nil
}

func (b *bumper) warnf(format string, args ...any) {
	b.res.Warnings = append(b.res.Warnings, fmt.Sprintf(format, args...))
}

// lineCol returns the line and column (from 1, in bytes) of offset off.
func lineCol(src []byte, off int) (int, int) {
	line := 1 + strings.Count(string(src[:off]), "\n")
	col := off + 1
	if k := strings.LastIndexByte(string(src[:off]), '\n'); k >= 0 {
		col = off - k
	}
	return line, col
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
