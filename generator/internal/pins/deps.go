package pins

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/cargo"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/nixedit"
	"github.com/nixgen/nixgen/generator/internal/resolve"
)

// cargoDeps are the cargoLock.outputHashes entries of the files and the
// git sources of Cargo.lock they stand for.
type cargoDeps struct {
	entries []cargoEntry
	sources []gitSource // the ones prefetched: with an entry, or missing one
	missing []int       // indexes into sources of those without an entry
	addTo   int         // the entry after which missing ones are added; -1: none
	got     []resolve.Pin
}

type cargoEntry struct {
	file   int
	bind   nixedit.Binding
	source int // index into sources; -1 when Cargo.lock has no such crate
}

// gitSource is one repository commit that Cargo.lock locks crates from.
type gitSource struct {
	url, commit string
	keys        []string // "name-version" of its crates, sorted
}

// goDeps are the vendorHash bindings of the files.
type goDeps struct {
	binds  []goBind
	result resolve.GoVendorHash
}

type goBind struct {
	file int
	bind nixedit.Binding
}

// findDeps finds outputHashes entries and vendorHash bindings, and reads
// the lock files they follow.
func (b *bumper) findDeps() error {
	var entries []cargoEntry
	var binds []goBind
	for i, f := range b.files {
		hashes, err := nixedit.FindOutputHashes(f.Data)
		if err != nil {
			return &diag.InputError{File: f.Path, Msg: err.Error(), Err: err}
		}
		for _, h := range hashes {
			if h.Value.Literal || h.Value.Placeholder {
				entries = append(entries, cargoEntry{file: i, bind: h})
			} else {
				b.warnf("%s: outputHashes.%q = %s is not a string nixgen can replace", posOf(f, h.Value.Start), h.Name, h.Value.Raw)
			}
		}
		vendor, err := nixedit.FindBindings(f.Data, "vendorHash")
		if err != nil {
			return &diag.InputError{File: f.Path, Msg: err.Error(), Err: err}
		}
		for _, v := range vendor {
			if v.Value.Literal || v.Value.Placeholder || v.Value.Raw == "null" {
				binds = append(binds, goBind{file: i, bind: v})
			} else {
				b.warnf("%s: vendorHash = %s is not a string nixgen can replace", posOf(f, v.Value.Start), v.Value.Raw)
			}
		}
	}
	if len(entries) > 0 {
		if err := b.findCargo(entries); err != nil {
			return err
		}
	}
	if len(binds) > 0 {
		if _, err := fs.Stat(b.opts.Project, "go.mod"); err != nil {
			b.warnf("--deps: vendorHash left as it is: no go.mod in %s", b.opts.ProjectDir)
		} else {
			b.gomod = &goDeps{binds: binds}
			b.res.Deps += len(binds)
		}
	}
	return nil
}

func posOf(f File, off int) string {
	line, col := lineCol(f.Data, off)
	return fmt.Sprintf("%s:%d:%d", f.Path, line, col)
}

// findCargo matches outputHashes entries with Cargo.lock's git sources.
func (b *bumper) findCargo(entries []cargoEntry) error {
	sources, err := readLockSources(b.opts.Project)
	if errors.Is(err, fs.ErrNotExist) {
		b.warnf("--deps: outputHashes left as they are: no Cargo.lock in %s", b.opts.ProjectDir)
		return nil
	}
	if err != nil {
		return err
	}
	c := &cargoDeps{addTo: -1}
	used := map[int]int{} // index in sources -> index in c.sources
	for k := range entries {
		e := &entries[k]
		e.source = -1
		for s, src := range sources {
			if !slices.Contains(src.keys, e.bind.Name) {
				continue
			}
			if _, ok := used[s]; !ok {
				used[s] = len(c.sources)
				c.sources = append(c.sources, src)
			}
			e.source = used[s]
		}
		if e.source < 0 {
			b.warnf("%s: outputHashes.%q names no git dependency in Cargo.lock; remove it", posOf(b.files[e.file], e.bind.Value.Start), e.bind.Name)
		}
	}
	for s, src := range sources {
		if _, ok := used[s]; !ok {
			c.missing = append(c.missing, len(c.sources))
			c.sources = append(c.sources, src)
		}
	}
	// Missing entries go after the last entry of the first file with any.
	for k, e := range entries {
		if e.file == entries[0].file {
			c.addTo = k
		}
	}
	c.entries = entries
	b.cargo = c
	b.res.Deps += len(entries) + len(c.missing)
	return nil
}

func (c *cargoDeps) requests(githubURL string) []resolve.Request {
	reqs := make([]resolve.Request, len(c.sources))
	for i, s := range c.sources {
		// Cargo fetches git dependencies with their submodules, and so does
		// buildRustPackage's importCargoLock.
		reqs[i] = resolve.Request{Fetcher: resolve.Git, URL: resolve.Mirror(s.url, githubURL), Rev: s.commit, Submodules: true}
	}
	return reqs
}

// readLockSources reads Cargo.lock's git sources: one per repository
// commit, with the crates locked from it.
func readLockSources(fsys fs.FS) ([]gitSource, error) {
	data, err := fs.ReadFile(fsys, "Cargo.lock")
	if err != nil {
		return nil, err
	}
	var lock struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
			Source  string `toml:"source"`
		} `toml:"package"`
	}
	if _, err := diag.DecodeTOML("Cargo.lock", data, &lock); err != nil {
		return nil, err
	}
	var sources []gitSource
	for _, p := range lock.Package {
		if !strings.HasPrefix(p.Source, "git+") {
			continue
		}
		repo, commit, err := cargo.ParseGitSource(p.Source)
		if err != nil {
			return nil, &diag.InputError{File: "Cargo.lock", Line: diag.TOMLStringLine(data, p.Source), Msg: fmt.Sprintf("package %s: %v", p.Name, err)}
		}
		key := p.Name + "-" + p.Version
		i := slices.IndexFunc(sources, func(s gitSource) bool { return s.url == repo && s.commit == commit })
		if i < 0 {
			i = len(sources)
			sources = append(sources, gitSource{url: repo, commit: commit})
		}
		sources[i].keys = append(sources[i].keys, key)
	}
	for i := range sources {
		sort.Strings(sources[i].keys)
	}
	sort.Slice(sources, func(i, j int) bool { return sources[i].keys[0] < sources[j].keys[0] })
	return sources, nil
}

func (g *goDeps) hash(ctx context.Context, opts Options) error {
	vendor := opts.Vendor
	if vendor == nil {
		vendor = &resolve.GoVendorHasher{}
	}
	var err error
	g.result, err = vendor.Hash(ctx, opts.ProjectDir)
	return err
}

// editDeps records the edits of outputHashes and vendorHash.
func (b *bumper) editDeps() error {
	if c := b.cargo; c != nil {
		for _, e := range c.entries {
			if e.source < 0 {
				continue
			}
			subject := fmt.Sprintf("outputHashes.%q", e.bind.Name)
			src := c.sources[e.source]
			if err := b.editHash(e.file, e.bind, "hash", c.got[e.source].Hash, Change{Subject: subject, Note: short(src.commit)}); err != nil {
				return err
			}
		}
		if err := b.addMissing(); err != nil {
			return err
		}
	}
	if g := b.gomod; g != nil {
		note := ""
		if g.result.GoVersion != "" {
			note = "go mod vendor with Go " + g.result.GoVersion
		}
		for _, v := range g.binds {
			c := Change{Subject: "vendorHash", What: "vendorHash", Old: v.bind.Value.Raw, Note: note}
			switch {
			case g.result.Null && v.bind.Value.Raw == "null":
			case g.result.Null:
				c.New, c.Note = "null", g.result.NullReason
				if err := b.addEdit(v.file, v.bind.Value, "null", c); err != nil {
					return err
				}
			case v.bind.Value.Raw == "null":
				c.New = g.result.Hash
				if err := b.addEdit(v.file, v.bind.Value, nixedit.QuoteString(g.result.Hash), c); err != nil {
					return err
				}
			default:
				if err := b.editHash(v.file, v.bind, "vendorHash", g.result.Hash, Change{Subject: "vendorHash", Note: note}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// addMissing adds an outputHashes entry for each git source of Cargo.lock
// that has none, after the last entry of the first file with any, in the
// same form: `"name-version" = "sha256-...";` on a line of its own.
func (b *bumper) addMissing() error {
	c := b.cargo
	if len(c.missing) == 0 {
		return nil
	}
	last := c.entries[c.addTo]
	f := b.files[last.file]
	prefix, at, indent, ok := entryLayout(f.Data, last.bind)
	if !ok {
		for _, m := range c.missing {
			b.warnf("%s: Cargo.lock has the git dependency %s (%s#%s) and outputHashes no entry for it: add %q = %q;",
				f.Path, c.sources[m].keys[0], c.sources[m].url, short(c.sources[m].commit), c.sources[m].keys[0], c.got[m].Hash)
		}
		return nil
	}
	var text strings.Builder
	var news []string
	for _, m := range c.missing {
		key := c.sources[m].keys[0]
		fmt.Fprintf(&text, "\n%s%s%s = %s;", indent, prefix, nixedit.QuoteString(key), nixedit.QuoteString(c.got[m].Hash))
		news = append(news, key)
	}
	ch := Change{Subject: "outputHashes", What: "new " + plural(len(news), "entry", "entries"), Old: "", New: strings.Join(news, ", ")}
	return b.addEdit(last.file, nixedit.Value{Start: at, End: at}, text.String(), ch)
}

// entryLayout reads how the binding is written: the attribute path before
// its last name ("" for `"x" = ...;` inside `outputHashes = { }`,
// `cargoLock.outputHashes.` for the flat form), the offset just after its
// semicolon, and the indentation of its line. ok is false when the binding
// does not start its line or shares it with something after the semicolon.
func entryLayout(src []byte, bind nixedit.Binding) (prefix string, at int, indent string, ok bool) {
	toks, err := nixedit.Lex(src)
	if err != nil {
		return "", 0, "", false
	}
	lineStart := strings.LastIndexByte(string(src[:bind.Pos.Offset]), '\n') + 1
	indent = string(src[lineStart:bind.Pos.Offset])
	if strings.TrimLeft(indent, " \t") != "" {
		return "", 0, "", false
	}
	// The path runs from Pos to `=`; its last name is an identifier or a
	// string.
	var path []nixedit.Token
	semi := -1
	for _, t := range toks {
		switch {
		case t.Pos.Offset < bind.Pos.Offset:
		case t.Pos.Offset < bind.Value.Start && t.Kind != nixedit.Space && t.Kind != nixedit.Comment && t.Kind != nixedit.Assign:
			path = append(path, t)
		case t.Pos.Offset >= bind.Value.End && t.Kind == nixedit.Semi && semi < 0:
			semi = t.End
		}
	}
	if semi < 0 || len(path) == 0 {
		return "", 0, "", false
	}
	lastStart := path[len(path)-1].Pos.Offset
	if path[len(path)-1].Kind == nixedit.StringClose {
		for k := len(path) - 1; k >= 0; k-- {
			if path[k].Kind == nixedit.StringOpen {
				lastStart = path[k].Pos.Offset
				break
			}
		}
	}
	rest := string(src[semi:])
	if eol := strings.IndexByte(rest, '\n'); eol >= 0 {
		rest = rest[:eol]
	}
	if strings.TrimSpace(rest) != "" {
		return "", 0, "", false
	}
	return string(src[bind.Pos.Offset:lastStart]), semi, indent, true
}
