package rustsrc

import (
	"path"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// What the compiler reads besides Rust sources: the files and directories
// macros and attributes name, which a Cargo-aware source filter drops.
// Test code counts here: `cargo test` compiles it, and the test binaries
// run in the crate's directory and read what their string literals name.

// Base is what a Read's path is relative to.
type Base int

// Bases.
const (
	FromFile  Base = iota // the directory of the file the macro is written in (include_str!)
	FromCrate             // the crate's directory, CARGO_MANIFEST_DIR
)

// Read is a path the build reads, as the source names it.
type Read struct {
	Path string // slash-separated; "$CARGO_MANIFEST_DIR/" stripped
	Base Base
	// Via names what reads it, for messages: "include_str!",
	// "embed_migrations!", "#[folder]", "a test".
	Via  string
	At   string // file:line
	File string // the file it is written in
	// Maybe is true for a string literal of test code that may name a
	// fixture: kept when it exists, never warned about when it does not.
	Maybe bool
}

// Reads is what a crate's sources read at build time.
type Reads struct {
	Paths []Read
	// Templates: an askama (or rinja) #[template(path = ...)], which reads
	// the template directories askama.toml names, else templates/.
	Templates bool
	// QueryMacros: sqlx's query!-family macros, which check SQL against a
	// database (or .sqlx/) at compile time.
	QueryMacros bool
	// Unknown are reads whose path is computed, as warnings.
	Unknown []string
}

// crateMacros read a path relative to the crate: the first string
// argument, or the default directory when there is none.
var crateMacros = map[string]string{
	"migrate":          "migrations", // sqlx::migrate!
	"embed_migrations": "migrations", // diesel_migrations, refinery
	"include_dir":      "",
	"query_file":       "", "query_file_as": "", "query_file_scalar": "",
	"query_file_unchecked": "", "query_file_as_unchecked": "", "query_file_scalar_unchecked": "",
}

// typedQueryFiles take the row type first and the path second.
var typedQueryFiles = map[string]bool{"query_file_as": true, "query_file_as_unchecked": true}

// queryMacros are sqlx's compile-time checked queries.
var queryMacros = map[string]bool{
	"query": true, "query_as": true, "query_scalar": true,
	"query_file": true, "query_file_as": true, "query_file_scalar": true,
}

// FindReads finds the paths the crate's files read at build time (and
// test time). A file under the crate's tests/ directory is test code
// throughout; testDir reports whether a path is in one.
func FindReads(files []File, testDir func(string) bool) (Reads, error) {
	ps, err := parse(files)
	if err != nil {
		return Reads{}, err
	}
	var r Reads
	for _, p := range ps {
		sqlx := strings.Contains(string(p.src), "sqlx")
		from := len(r.Paths)
		p.reads(p.root, testDir(p.path), sqlx, &r)
		for i := from; i < len(r.Paths); i++ {
			r.Paths[i].File = p.path
		}
	}
	return r, nil
}

// reads walks n, test code included (inTest below a test item).
func (p *parsed) reads(n *sitter.Node, inTest, sqlx bool, r *Reads) {
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		test := inTest || p.isTest(c)
		switch c.Type() {
		case "macro_invocation":
			if m := c.ChildByFieldName("macro"); m != nil {
				p.macroRead(p.lastSegment(m), scopedNonStd(p, m), lastTokenTree(c), sqlx, r)
			}
		case "token_tree":
			p.tokenMacros(c, sqlx, r)
		case "attribute":
			p.attributeRead(c, r)
		case "string_literal", "raw_string_literal":
			if test {
				if s, ok := p.stringValue(c); ok && plausibleFixture(s) {
					r.Paths = append(r.Paths, Read{Path: s, Base: FromCrate, Via: "a test", At: p.at(c), Maybe: true})
				}
			}
		}
		p.reads(c, test, sqlx, r)
	}
}

// tokenMacros finds macro calls written inside a token tree (a macro's
// arguments, a macro_rules body): NAME ! ( ... ).
func (p *parsed) tokenMacros(tt *sitter.Node, sqlx bool, r *Reads) {
	for i := 0; i+2 < int(tt.ChildCount()); i++ {
		name, bang, args := tt.Child(i), tt.Child(i+1), tt.Child(i+2)
		if name.Type() != "identifier" || p.text(bang) != "!" || args.Type() != "token_tree" {
			continue
		}
		scoped := i > 0 && p.text(tt.Child(i-1)) == "::" && !(i > 1 && isStd(p.text(tt.Child(i-2))))
		p.macroRead(p.text(name), scoped, args, sqlx, r)
	}
}

// macroRead records what the macro NAME!(args) reads. scoped is true for
// a path other than std's (grass::include!), which reads relative to the
// crate.
func (p *parsed) macroRead(name string, scoped bool, args *sitter.Node, sqlx bool, r *Reads) {
	if args == nil {
		return
	}
	if sqlx && queryMacros[name] {
		r.QueryMacros = true
	}
	at := p.at(args)
	switch {
	case name == "include" && scoped:
		// Another crate's include! (grass::include!("style.scss")) reads
		// the file and what it imports beside it.
		if s, ok := p.firstString(args); ok {
			dir := path.Dir(stripManifest(s))
			if dir == "." {
				dir = stripManifest(s)
			}
			r.Paths = append(r.Paths, Read{Path: dir, Base: FromCrate, Via: name + "!", At: at})
		}
	case name == "include_str" || name == "include_bytes" || name == "include":
		p.includeRead(name+"!", args, at, r)
	default:
		def, ok := crateMacros[name]
		if !ok {
			return
		}
		parts := p.argParts(args)
		if typedQueryFiles[name] && len(parts) > 0 {
			parts = parts[1:]
		}
		var s string
		switch {
		case len(parts) == 0:
			s = def
		case parts[0].lit != nil:
			s = *parts[0].lit
		default:
			r.Unknown = append(r.Unknown, at+": "+name+"! of a computed path; nixgen cannot tell which directory it reads")
			return
		}
		if s != "" {
			r.Paths = append(r.Paths, Read{Path: stripManifest(s), Base: FromCrate, Via: name + "!", At: at})
		}
	}
}

// includeRead reads include_str!'s argument: a literal relative to the
// file; concat!(env!("CARGO_MANIFEST_DIR"), "/x") relative to the crate;
// a concat! with computed parts as the directory its literal prefix names.
func (p *parsed) includeRead(via string, args *sitter.Node, at string, r *Reads) {
	parts := p.argParts(args)
	if len(parts) == 0 {
		return
	}
	first := parts[0]
	if first.lit != nil {
		r.Paths = append(r.Paths, Read{Path: *first.lit, Base: FromFile, Via: via, At: at})
		return
	}
	if first.concat == nil {
		r.Unknown = append(r.Unknown, at+": "+via+" of a computed path; nixgen cannot tell which file it reads")
		return
	}
	base, prefix, exact := FromFile, "", true
	for i, part := range first.concat {
		switch {
		case i == 0 && part.env == "CARGO_MANIFEST_DIR":
			base = FromCrate
		case part.env != "":
			return // OUT_DIR and the like: a file the build makes
		case part.lit != nil && exact:
			prefix += *part.lit
		default:
			exact = false
		}
	}
	if base == FromCrate {
		// env!("CARGO_MANIFEST_DIR") has no trailing slash: "/x" follows.
		// Without it a leading slash is an absolute path, left alone.
		prefix = strings.TrimPrefix(prefix, "/")
	}
	if !exact {
		// The directory the literal prefix names: "static/templates/" of
		// concat!("static/templates/", $name, ".hbs").
		if i := strings.LastIndex(prefix, "/"); i > 0 {
			prefix = prefix[:i]
		} else {
			r.Unknown = append(r.Unknown, at+": "+via+" of a computed path; nixgen cannot tell which file it reads")
			return
		}
	}
	r.Paths = append(r.Paths, Read{Path: prefix, Base: base, Via: via, At: at})
}

// attributeRead records what an attribute names: rust-embed's
// #[folder = "x"], askama's #[template(path = "x")], graphql_client's
// #[graphql(schema_path = "x", query_path = "y")], and
// #[sqlx::test(migrations = "x")].
func (p *parsed) attributeRead(attr *sitter.Node, r *Reads) {
	if attr.NamedChildCount() == 0 {
		return
	}
	name := p.lastSegment(attr.NamedChild(0))
	at := p.at(attr)
	if v := attr.ChildByFieldName("value"); v != nil && name == "folder" {
		if s, ok := p.stringValue(v); ok {
			r.Paths = append(r.Paths, Read{Path: stripManifest(s), Base: FromCrate, Via: "#[folder]", At: at})
		}
		return
	}
	tt := attr.ChildByFieldName("arguments")
	if tt == nil {
		return
	}
	for _, a := range p.tokens(tt) {
		if a.node == nil {
			continue
		}
		s, ok := p.stringValue(a.node)
		if !ok {
			continue
		}
		switch {
		case name == "template" && a.key == "path":
			r.Templates = true
		case name == "graphql" && (a.key == "schema_path" || a.key == "query_path"):
			r.Paths = append(r.Paths, Read{Path: stripManifest(s), Base: FromCrate, Via: "#[graphql(" + a.key + ")]", At: at})
		case name == "test" && a.key == "migrations":
			r.Paths = append(r.Paths, Read{Path: stripManifest(s), Base: FromCrate, Via: "#[sqlx::test]", At: at})
		}
	}
}

// argPart is one element of a macro's argument list, or of a concat!.
type argPart struct {
	lit    *string   // a string literal
	env    string    // env!("NAME")
	concat []argPart // concat!(...)
}

// argParts splits a token tree into its comma-separated elements.
func (p *parsed) argParts(tt *sitter.Node) []argPart {
	var parts []argPart
	var cur []*sitter.Node
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, p.argPart(cur))
		}
		cur = nil
	}
	for i := 0; i < int(tt.ChildCount()); i++ {
		c := tt.Child(i)
		switch t := c.Type(); {
		case t == "line_comment" || t == "block_comment":
		case i == 0 || i == int(tt.ChildCount())-1:
			// the delimiters
		case p.text(c) == ",":
			flush()
		default:
			cur = append(cur, c)
		}
	}
	flush()
	return parts
}

func (p *parsed) argPart(toks []*sitter.Node) argPart {
	if len(toks) == 1 {
		if s, ok := p.stringValue(toks[0]); ok {
			return argPart{lit: &s}
		}
	}
	if len(toks) == 3 && toks[0].Type() == "identifier" && p.text(toks[1]) == "!" && toks[2].Type() == "token_tree" {
		switch p.text(toks[0]) {
		case "concat":
			return argPart{concat: p.argParts(toks[2])}
		case "env":
			if s, ok := p.firstString(toks[2]); ok {
				return argPart{env: s}
			}
		}
	}
	return argPart{}
}

// firstString is the macro's first argument when it is a string literal.
func (p *parsed) firstString(tt *sitter.Node) (string, bool) {
	parts := p.argParts(tt)
	if len(parts) > 0 && parts[0].lit != nil {
		return *parts[0].lit, true
	}
	return "", false
}

// lastTokenTree is a macro invocation's argument token tree.
func lastTokenTree(n *sitter.Node) *sitter.Node {
	for i := int(n.NamedChildCount()) - 1; i >= 0; i-- {
		if c := n.NamedChild(i); c.Type() == "token_tree" {
			return c
		}
	}
	return nil
}

// scopedNonStd reports whether a macro path names another crate's macro
// (grass::include), not std's or core's.
func scopedNonStd(p *parsed, m *sitter.Node) bool {
	if m.Type() != "scoped_identifier" {
		return false
	}
	scope := m.ChildByFieldName("path")
	return scope != nil && !isStd(p.text(scope))
}

func isStd(s string) bool { return s == "std" || s == "core" || s == "::std" || s == "::core" }

// stripManifest drops a leading $CARGO_MANIFEST_DIR/ (rust-embed and
// include_dir accept it) and ./.
func stripManifest(s string) string {
	s = strings.TrimPrefix(s, "$CARGO_MANIFEST_DIR")
	s = strings.TrimPrefix(s, "${CARGO_MANIFEST_DIR}")
	s = strings.TrimPrefix(s, "/")
	return strings.TrimPrefix(s, "./")
}

// plausibleFixture filters test string literals down to relative paths
// with a directory part or an extension: "tests/data/a.json", "fixture.txt".
func plausibleFixture(s string) bool {
	if s == "" || len(s) > 200 || path.IsAbs(s) || strings.ContainsAny(s, " {}\n\t=:;*?$<>|\"'") {
		return false
	}
	return strings.Contains(s, "/") || path.Ext(s) != ""
}

// Literals returns the string literals of a file (a build script, whose
// paths are the ones it passes to cc, prost-build or rerun-if-changed),
// comments left out, in source order.
func Literals(f File) ([]string, error) {
	ps, err := parse([]File{f})
	if err != nil {
		return nil, err
	}
	var out []string
	var visit func(n *sitter.Node)
	visit = func(n *sitter.Node) {
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if s, ok := ps[0].stringValue(c); ok {
				out = append(out, s)
				continue
			}
			visit(c)
		}
	}
	visit(ps[0].root)
	return out, nil
}
