package nixedit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// render writes tokens compactly: fixed tokens as their text, others as
// kind(text); spaces are left out and `}` closing `${` is written `$}`.
func render(src []byte, toks []Token) string {
	var parts []string
	for _, t := range toks {
		text := t.Text(src)
		switch t.Kind {
		case Space:
			continue
		case Comment:
			parts = append(parts, "comment("+text+")")
		case Ident:
			parts = append(parts, "id("+text+")")
		case Int:
			parts = append(parts, "int("+text+")")
		case Float:
			parts = append(parts, "float("+text+")")
		case Path:
			parts = append(parts, "path("+text+")")
		case PathText:
			parts = append(parts, "pathtext("+text+")")
		case SearchPath:
			parts = append(parts, "spath("+text+")")
		case URI:
			parts = append(parts, "uri("+text+")")
		case StringText, IndStringText:
			parts = append(parts, "text("+text+")")
		case IndStringOpen:
			parts = append(parts, strings.TrimRight(text, " \n")+"open")
		case InterpClose:
			parts = append(parts, "$}")
		default:
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, " ")
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"select", `a.b.c`, `id(a) . id(b) . id(c)`},
		{"keywords", `let in rec with inherit if then else assert or`, `let in rec with inherit if then else assert or`},
		{"keyword prefixes are identifiers", `letter inherits orange or_ or-x`, `id(letter) id(inherits) id(orange) id(or_) id(or-x)`},
		{"or as attribute", `{ or = 1; }.or`, `{ or = int(1) ; } . or`},
		{"select with default", `a.b or c`, `id(a) . id(b) or id(c)`},
		{"identifier characters", `foo'bar-baz_1 _x`, `id(foo'bar-baz_1) id(_x)`},
		{"numbers", `1 12 1.5 1. .5 0.5 1e3 1.5e-3 01`, `int(1) int(12) float(1.5) float(1.) float(.5) float(0.5) int(1) id(e3) float(1.5e-3) int(01)`},
		{"operators", `== != <= >= && || -> // ++ ! + - * / ? @ ... < > = : ; ,`, `== != <= >= && || -> // ++ ! + - * / ? @ ... < > = : ; ,`},
		{"update without spaces", `a//b`, `id(a) // id(b)`},
		{"brackets", `{ [ ( ) ] }`, `{ [ ( ) ] }`},
		{"search path", `<nixpkgs> <nixpkgs/lib> < a`, `spath(<nixpkgs>) spath(<nixpkgs/lib>) < id(a)`},
		{"division needs spaces", `2/3 x / y`, `path(2/3) id(x) / id(y)`},
		{"path interpolation", `./a/${x}.nix`, `path(./a/) ${ id(x) $} pathtext(.nix)`},
		{"path starting with interpolation", `./${x}/b ~/${y}`, `path(./) ${ id(x) $} pathtext(/b) path(~/) ${ id(y) $}`},
		{"path piece before interpolation", `./a${x}${y}z`, `path(./a) ${ id(x) $} ${ id(y) $} pathtext(z)`},
		{"uri", `http://example.org/a?b=c&d https://x.y/z`, `uri(http://example.org/a?b=c&d) uri(https://x.y/z)`},
		{"lambda without space is a uri", `x:x`, `uri(x:x)`},
		{"lambda", `x: x`, `id(x) : id(x)`},
		{"string escapes", `"a\"b\\c\n\${d}$${e}"`, `" text(a\"b\\c\n\${d}$${e}) "`},
		{"string with dollar before quote", `"a$"`, `" text(a$) "`},
		{"nested interpolation", `"a${ "b${ "c${d}" }" }e"`, `" text(a) ${ " text(b) ${ " text(c) ${ id(d) $} " $} " $} text(e) "`},
		{"braces inside interpolation", `"${ { a = 1; }.a }"`, `" ${ { id(a) = int(1) ; } . id(a) $} "`},
		{"string mentioning a binding", `"rev = \"x\"; fetchFromGitHub {"`, `" text(rev = \"x\"; fetchFromGitHub {) "`},
		{"indented string", "''\n  a \"b\" c\n''", `''open text(  a "b" c` + "\n" + `) ''`},
		{"indented string escapes", `''a ''' b ''${c} ''\n $$ $''`, `''open text(a ''' b ''${c} ''\n $$ $) ''`},
		{"indented string interpolation", `'' ${a} '${b} ''`, `''open text( ) ${ id(a) $} text( ') ${ id(b) $} text( ) ''`},
		{"indented string dollar dollar", `''$${a}''`, `''open text($${a}) ''`},
		{"indented string in interpolation", `"${''x${"y"}''}"`, `" ${ ''open text(x) ${ " text(y) " $} '' $} "`},
		{"line comment", "a # fetchFromGitHub {\nb", `id(a) comment(# fetchFromGitHub {) id(b)`},
		{"block comment", `a /* fetchFromGitHub { rev = "x"; } */ b`, `id(a) comment(/* fetchFromGitHub { rev = "x"; } */) id(b)`},
		{"block comment without spaces", `a/*b*/c`, `id(a) comment(/*b*/) id(c)`},
		{"dynamic attribute", `{ ${a} = 1; "b" = 2; }`, `{ ${ id(a) $} = int(1) ; " text(b) " = int(2) ; }`},
		{"comment is not a string", `# "unterminated`, `comment(# "unterminated)`},
		{"empty", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := Lex([]byte(tt.src))
			if err != nil {
				t.Fatalf("Lex(%q): %v", tt.src, err)
			}
			if got := render([]byte(tt.src), toks); got != tt.want {
				t.Errorf("Lex(%q)\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
			checkTiling(t, []byte(tt.src), toks, true)
		})
	}
}

func TestLexPaths(t *testing.T) {
	src := `[ ./a ../a /a/b a/b ~/a ./a.nix ./. a+b/c-d_e.f ]`
	toks, err := Lex([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `[ path(./a) path(../a) path(/a/b) path(a/b) path(~/a) path(./a.nix) path(./.) path(a+b/c-d_e.f) ]`
	if got := render([]byte(src), toks); got != want {
		t.Errorf("got:  %s\nwant: %s", got, want)
	}
}

func TestLexPositions(t *testing.T) {
	src := []byte("a\n  \"x\r\ny\" ''\n\tz''\r b")
	toks, err := Lex(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tok := range toks {
		if tok.Kind != Space {
			got = append(got, tok.Pos.String())
		}
	}
	// a, ", text, ", '', text, '', b
	want := "1:1 2:3 2:4 3:2 3:4 4:1 4:3 5:2"
	if strings.Join(got, " ") != want {
		t.Errorf("positions %s, want %s", strings.Join(got, " "), want)
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"abc`, `1:1: unterminated string`},
		{"x = {\n  a = \"abc\\\"; }", `2:7: unterminated string`},
		{`"a${ "b }"`, `1:1: unterminated string`},
		{`"a${ "b }`, `1:6: unterminated string`},
		{"''abc", `1:1: unterminated string`},
		{"''a''''", `1:1: unterminated string`},
		{"a /* b", `1:3: unterminated comment`},
		{"\n./a/", `2:1: path has a trailing slash`},
		{`./a/${b}/ c`, `1:1: path has a trailing slash`},
		{`a % b`, `1:3: unexpected character "%"`},
		{`a & b`, `1:3: unexpected character "&"`},
		{`'a'`, `1:1: unexpected character "'"`},
		{"x = é;", `1:5: unexpected character "\xc3"`},
	}
	for _, tt := range tests {
		toks, err := Lex([]byte(tt.src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Lex(%q): error %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Lex(%q): %q, want %q", tt.src, err, tt.want)
		}
		checkTiling(t, []byte(tt.src), toks, false)
	}
}

// checkTiling asserts that toks cover src from 0 without gaps or overlaps,
// up to its end when complete.
func checkTiling(t *testing.T, src []byte, toks []Token, complete bool) {
	t.Helper()
	at := 0
	for i, tok := range toks {
		if tok.Pos.Offset != at || tok.End <= tok.Pos.Offset || tok.End > len(src) {
			t.Fatalf("token %d (%s) spans [%d,%d), want a non-empty span from %d", i, tok.Kind, tok.Pos.Offset, tok.End, at)
		}
		at = tok.End
	}
	if complete && at != len(src) {
		t.Fatalf("tokens end at %d, source at %d", at, len(src))
	}
}

func FuzzLex(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.nix")
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{`"a${b}c"`, `''a'''${b}''`, `./a/${b}.c`, `x:x`, `/* c */ # d`, `"\`, `''\`, `${`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		toks, err := Lex(src)
		checkTiling(t, src, toks, err == nil)
		line, col := 1, 1
		for _, tok := range toks {
			if tok.Pos.Line < line || tok.Pos.Line == line && tok.Pos.Col < col {
				t.Fatalf("token at %s after one at %d:%d", tok.Pos, line, col)
			}
			line, col = tok.Pos.Line, tok.Pos.Col
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos.Offset < 0 || se.Pos.Offset > len(src) {
				t.Fatalf("error %v is not a *SyntaxError within the source", err)
			}
		}
		_ = Check(src) // the parser must not panic either
	})
}
