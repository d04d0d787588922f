package nixedit

import "fmt"

// Pos is a place in the source.
type Pos struct {
	Offset int // byte offset, from 0
	Line   int // from 1
	Col    int // from 1, in bytes
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// SyntaxError is a lexing or parsing error at a place in the source. Its
// message starts with line:col; the caller puts the file name in front.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// Kind is the kind of a token.
type Kind int

// Token kinds. A string, indented string or interpolated path is several
// tokens: its delimiters, its text pieces, and `${` InterpOpen ... InterpClose
// `}` around each interpolated expression.
const (
	Space   Kind = iota // spaces, tabs and newlines
	Comment             // `# ...` up to the end of the line, or `/* ... */`

	Ident
	Int
	Float
	Path       // first piece of a path: ./a, ../a, /a, a/b, ~/a, or `./` before `${`
	PathText   // later piece of a path, such as `.nix` after the `}` in ./a/${b}.nix
	SearchPath // <nixpkgs/lib>
	URI        // http://example.org

	StringOpen     // "
	StringText     // source text between the quotes, escapes not decoded
	StringClose    // "
	IndStringOpen  // '' with any spaces and the newline right after it
	IndStringText  // source text of an indented string, escapes not decoded
	IndStringClose // ''
	InterpOpen     // ${
	InterpClose    // } ending an interpolation

	Let
	In
	Rec
	With
	Inherit
	If
	Then
	Else
	Assert
	OrKeyword // or

	LBrace   // {
	RBrace   // }
	LBracket // [
	RBracket // ]
	LParen   // (
	RParen   // )
	Semi     // ;
	Colon    // :
	Comma    // ,
	Dot      // .
	Ellipsis // ...
	At       // @
	Question // ?
	Assign   // =
	Eq       // ==
	Neq      // !=
	Lt       // <
	Le       // <=
	Gt       // >
	Ge       // >=
	And      // &&
	Or       // ||
	Impl     // ->
	Not      // !
	Plus     // +
	Minus    // -
	Star     // *
	Slash    // /
	Concat   // ++
	Update   // //

	eof Kind = -1 // end of input; only the parser uses it
)

var kindNames = map[Kind]string{
	Space: "space", Comment: "comment", Ident: "identifier", Int: "integer",
	Float: "float", Path: "path", PathText: "path", SearchPath: "search path",
	URI: "URI", StringOpen: `"`, StringText: "string text", StringClose: `"`,
	IndStringOpen: "''", IndStringText: "string text", IndStringClose: "''",
	InterpOpen: "${", InterpClose: "}",
	Let: "let", In: "in", Rec: "rec", With: "with", Inherit: "inherit",
	If: "if", Then: "then", Else: "else", Assert: "assert", OrKeyword: "or",
	LBrace: "{", RBrace: "}", LBracket: "[", RBracket: "]", LParen: "(",
	RParen: ")", Semi: ";", Colon: ":", Comma: ",", Dot: ".", Ellipsis: "...",
	At: "@", Question: "?", Assign: "=", Eq: "==", Neq: "!=", Lt: "<", Le: "<=",
	Gt: ">", Ge: ">=", And: "&&", Or: "||", Impl: "->", Not: "!", Plus: "+",
	Minus: "-", Star: "*", Slash: "/", Concat: "++", Update: "//",
	eof: "end of file",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Token is one token; Pos.Offset and End delimit its bytes.
type Token struct {
	Kind Kind
	Pos  Pos
	End  int
}

// Text returns the token's bytes in src as a string.
func (t Token) Text(src []byte) string { return string(src[t.Pos.Offset:t.End]) }

var keywords = map[string]Kind{
	"let": Let, "in": In, "rec": Rec, "with": With, "inherit": Inherit,
	"if": If, "then": Then, "else": Else, "assert": Assert, "or": OrKeyword,
}

var punct1 = map[byte]Kind{
	'[': LBracket, ']': RBracket, '(': LParen, ')': RParen, ';': Semi,
	':': Colon, ',': Comma, '.': Dot, '@': At, '?': Question, '=': Assign,
	'<': Lt, '>': Gt, '!': Not, '+': Plus, '-': Minus, '*': Star, '/': Slash,
}

var punct2 = map[string]Kind{
	"==": Eq, "!=": Neq, "<=": Le, ">=": Ge, "&&": And, "||": Or,
	"->": Impl, "//": Update, "++": Concat,
}

// Lex splits src into tokens. The tokens tile src: the first starts at 0,
// each starts where the one before it ends, and the last ends at len(src).
// On an error (an unterminated string or comment, a character Nix does not
// know, a path ending in a slash) it returns the tokens before the error,
// which tile src up to that point, and a *SyntaxError.
func Lex(src []byte) ([]Token, error) {
	l := &lexer{src: src, line: 1, col: 1}
	err := l.run()
	return l.toks, err
}

// The lexer mirrors the start-condition stack of Nix's flex lexer.
type frameKind int

const (
	frameBrace     frameKind = iota // after `{`: ordinary code
	frameInterp                     // after `${`: ordinary code
	frameString                     // inside "..."
	frameIndString                  // inside ''...''
	framePath                       // right after a piece of a path
)

type frame struct {
	kind  frameKind
	open  Pos  // where the construct started
	slash bool // framePath: the last piece ended in '/', so the path must go on
}

type lexer struct {
	src       []byte
	pos       int
	line, col int
	toks      []Token
	stack     []frame
}

func (l *lexer) here() Pos { return Pos{Offset: l.pos, Line: l.line, Col: l.col} }

func (l *lexer) errorf(p Pos, format string, args ...any) error {
	return &SyntaxError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// emit makes a token of the next n bytes and moves past them. Line counting
// follows Nix: "\n", "\r\n" and a lone "\r" each end a line.
func (l *lexer) emit(k Kind, n int) {
	start := l.here()
	end := l.pos + n
	for ; l.pos < end; l.pos++ {
		switch l.src[l.pos] {
		case '\n':
			l.line, l.col = l.line+1, 1
		case '\r':
			if l.pos+1 < len(l.src) && l.src[l.pos+1] == '\n' {
				l.col++
			} else {
				l.line, l.col = l.line+1, 1
			}
		default:
			l.col++
		}
	}
	l.toks = append(l.toks, Token{Kind: k, Pos: start, End: end})
}

func (l *lexer) push(f frame) { l.stack = append(l.stack, f) }

func (l *lexer) top() *frame {
	if len(l.stack) == 0 {
		return nil
	}
	return &l.stack[len(l.stack)-1]
}

func (l *lexer) run() error {
	for l.pos < len(l.src) {
		var err error
		top := l.top()
		switch {
		case top == nil || top.kind == frameBrace || top.kind == frameInterp:
			err = l.lexCode()
		case top.kind == frameString:
			l.lexString()
		case top.kind == frameIndString:
			l.lexIndString()
		case top.kind == framePath:
			err = l.lexPathPiece(top)
		}
		if err != nil {
			return err
		}
	}
	if top := l.top(); top != nil && top.kind == framePath && top.slash {
		return l.errorf(top.open, "path has a trailing slash")
	}
	for i := len(l.stack) - 1; i >= 0; i-- {
		switch f := l.stack[i]; f.kind {
		case frameString, frameIndString:
			return l.errorf(f.open, "unterminated string")
		}
	}
	// Unclosed braces and interpolations are left to the parser, which
	// knows what it expected.
	return nil
}

// lexCode lexes one token of ordinary code. Like flex, it takes the longest
// match among Nix's rules, the earlier rule on a tie.
func (l *lexer) lexCode() error {
	s := l.src[l.pos:]
	switch c := s[0]; {
	case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		n := 1
		for n < len(s) && (s[n] == ' ' || s[n] == '\t' || s[n] == '\r' || s[n] == '\n') {
			n++
		}
		l.emit(Space, n)
		return nil
	case c == '#':
		n := 1
		for n < len(s) && s[n] != '\n' && s[n] != '\r' {
			n++
		}
		l.emit(Comment, n)
		return nil
	case c == '/' && len(s) > 1 && s[1] == '*':
		for n := 2; n+1 < len(s); n++ {
			if s[n] == '*' && s[n+1] == '/' {
				l.emit(Comment, n+2)
				return nil
			}
		}
		return l.errorf(l.here(), "unterminated comment")
	}

	best, kind := 0, Kind(-2)
	try := func(n int, k Kind) {
		if n > best {
			best, kind = n, k
		}
	}
	if n := matchID(s); n > 0 {
		if k, ok := keywords[string(s[:n])]; ok {
			try(n, k)
		}
	}
	if len(s) >= 3 && string(s[:3]) == "..." {
		try(3, Ellipsis)
	}
	if len(s) >= 2 {
		if k, ok := punct2[string(s[:2])]; ok {
			try(2, k)
		}
	}
	try(matchID(s), Ident)
	try(matchInt(s), Int)
	try(matchFloat(s), Float)
	if len(s) >= 2 && s[0] == '$' && s[1] == '{' {
		try(2, InterpOpen)
	}
	switch s[0] {
	case '}':
		try(1, RBrace)
	case '{':
		try(1, LBrace)
	case '"':
		try(1, StringOpen)
	}
	try(matchIndStringOpen(s), IndStringOpen)
	const pathBeforeInterp Kind = -3
	try(matchPathBeforeInterp(s), pathBeforeInterp)
	try(max(matchPath(s), matchHomePath(s)), Path)
	try(matchSearchPath(s), SearchPath)
	try(matchURI(s), URI)
	if k, ok := punct1[s[0]]; ok {
		try(1, k)
	}

	start := l.here()
	switch kind {
	case -2:
		return l.errorf(start, "unexpected character %q", s[:1])
	case pathBeforeInterp:
		// The piece up to and including the slash; `${` follows.
		l.emit(Path, best-2)
		l.push(frame{kind: framePath, open: start, slash: true})
	case Path:
		l.emit(Path, best)
		l.push(frame{kind: framePath, open: start, slash: s[best-1] == '/'})
	case LBrace:
		l.emit(LBrace, 1)
		l.push(frame{kind: frameBrace, open: start})
	case InterpOpen:
		l.emit(InterpOpen, 2)
		l.push(frame{kind: frameInterp, open: start})
	case RBrace:
		// At the outermost level Nix returns '}' without popping and
		// leaves the error to the parser.
		if top := l.top(); top != nil {
			if top.kind == frameInterp {
				kind = InterpClose
			}
			l.stack = l.stack[:len(l.stack)-1]
		}
		l.emit(kind, 1)
	case StringOpen:
		l.emit(StringOpen, 1)
		l.push(frame{kind: frameString, open: start})
	case IndStringOpen:
		l.emit(IndStringOpen, best)
		l.push(frame{kind: frameIndString, open: start})
	default:
		l.emit(kind, best)
	}
	return nil
}

// lexString lexes inside "...": the closing quote, `${`, or a run of text.
// `$${` is text: the first `$` takes the next character with it.
func (l *lexer) lexString() {
	s := l.src[l.pos:]
	if s[0] == '"' {
		l.emit(StringClose, 1)
		l.stack = l.stack[:len(l.stack)-1]
		return
	}
	if len(s) >= 2 && s[0] == '$' && s[1] == '{' {
		l.emit(InterpOpen, 2)
		l.push(frame{kind: frameInterp, open: l.toks[len(l.toks)-1].Pos})
		return
	}
	n := 0
text:
	for n < len(s) {
		switch s[n] {
		case '"':
			break text
		case '\\':
			n += 2
		case '$':
			switch {
			case n+1 < len(s) && s[n+1] == '{':
				break text
			case n+1 < len(s) && s[n+1] == '"':
				n++
				break text
			case n+1 < len(s) && s[n+1] == '\\':
				n += 3
			default:
				n += 2
			}
		default:
			n++
		}
	}
	l.emit(StringText, min(n, len(s)))
}

// lexIndString lexes inside an indented string: the closing quotes, `${`,
// or a run of text including the escapes of three quotes, quotes and `$`,
// and quotes and a backslash.
func (l *lexer) lexIndString() {
	s := l.src[l.pos:]
	if len(s) >= 2 && s[0] == '$' && s[1] == '{' {
		l.emit(InterpOpen, 2)
		l.push(frame{kind: frameInterp, open: l.toks[len(l.toks)-1].Pos})
		return
	}
	if isIndStringClose(s) {
		l.emit(IndStringClose, 2)
		l.stack = l.stack[:len(l.stack)-1]
		return
	}
	n := 0
text:
	for n < len(s) {
		switch s[n] {
		case '\'':
			if isIndStringClose(s[n:]) {
				break text
			}
			if n+1 < len(s) && s[n+1] == '\'' {
				if s[n+2] == '\\' {
					n += 4
				} else {
					n += 3 // ''' or ''$
				}
			} else {
				n++
			}
		case '$':
			switch {
			case n+1 < len(s) && s[n+1] == '{':
				break text
			case n+1 < len(s) && s[n+1] == '\'':
				n++
			default:
				n += 2
			}
		default:
			n++
		}
	}
	l.emit(IndStringText, min(n, len(s)))
}

// isIndStringClose reports whether s starts with two single quotes that close an
// indented string rather than escaping what follows it.
func isIndStringClose(s []byte) bool {
	if len(s) < 2 || s[0] != '\'' || s[1] != '\'' {
		return false
	}
	return len(s) == 2 || (s[2] != '\'' && s[2] != '$' && s[2] != '\\')
}

// lexPathPiece lexes right after a piece of a path: `${`, another piece,
// or, when neither comes, the end of the path, which emits nothing.
func (l *lexer) lexPathPiece(f *frame) error {
	s := l.src[l.pos:]
	if len(s) >= 2 && s[0] == '$' && s[1] == '{' {
		f.slash = false
		l.emit(InterpOpen, 2)
		l.push(frame{kind: frameInterp, open: l.toks[len(l.toks)-1].Pos})
		return nil
	}
	if n := max(matchPath(s), matchPathSegment(s), countPathChars(s)); n > 0 {
		f.slash = s[n-1] == '/'
		l.emit(PathText, n)
		return nil
	}
	if f.slash {
		return l.errorf(f.open, "path has a trailing slash")
	}
	l.stack = l.stack[:len(l.stack)-1]
	return nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// isPathChar is PATH_CHAR: [a-zA-Z0-9._\-+].
func isPathChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '-' || c == '+'
}

func countPathChars(s []byte) int {
	n := 0
	for n < len(s) && isPathChar(s[n]) {
		n++
	}
	return n
}

// matchID matches ID: [a-zA-Z_][a-zA-Z0-9_'-]*.
func matchID(s []byte) int {
	if len(s) == 0 || !(isLetter(s[0]) || s[0] == '_') {
		return 0
	}
	n := 1
	for n < len(s) && (isLetter(s[n]) || isDigit(s[n]) || s[n] == '_' || s[n] == '\'' || s[n] == '-') {
		n++
	}
	return n
}

func matchInt(s []byte) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

// matchFloat matches FLOAT:
// (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
func matchFloat(s []byte) int {
	n := 0
	switch {
	case len(s) > 0 && s[0] >= '1' && s[0] <= '9':
		n = matchInt(s)
		if n >= len(s) || s[n] != '.' {
			return 0
		}
		n++
		n += matchInt(s[n:])
	default:
		if len(s) > 0 && s[0] == '0' {
			n++
		}
		if n >= len(s) || s[n] != '.' {
			return 0
		}
		d := matchInt(s[n+1:])
		if d == 0 {
			return 0
		}
		n += 1 + d
	}
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		e := n + 1
		if e < len(s) && (s[e] == '+' || s[e] == '-') {
			e++
		}
		if d := matchInt(s[e:]); d > 0 {
			n = e + d
		}
	}
	return n
}

// matchSlashPieces matches (\/{PATH_CHAR}+)+\/? and reports how many
// pieces it saw.
func matchSlashPieces(s []byte) (n, pieces int) {
	for n+1 < len(s) && s[n] == '/' && isPathChar(s[n+1]) {
		n++
		n += countPathChars(s[n:])
		pieces++
	}
	if pieces > 0 && n < len(s) && s[n] == '/' {
		n++
	}
	return n, pieces
}

// matchPath matches PATH: {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?.
func matchPath(s []byte) int {
	n := countPathChars(s)
	m, pieces := matchSlashPieces(s[n:])
	if pieces == 0 {
		return 0
	}
	return n + m
}

// matchHomePath matches HPATH: \~(\/{PATH_CHAR}+)+\/?.
func matchHomePath(s []byte) int {
	if len(s) == 0 || s[0] != '~' {
		return 0
	}
	m, pieces := matchSlashPieces(s[1:])
	if pieces == 0 {
		return 0
	}
	return 1 + m
}

// matchPathSegment matches PATH_SEG: {PATH_CHAR}*\/.
func matchPathSegment(s []byte) int {
	n := countPathChars(s)
	if n < len(s) && s[n] == '/' {
		return n + 1
	}
	return 0
}

// matchPathBeforeInterp matches {PATH_SEG}\$\{ or {HPATH_START}\$\{,
// the `${` included.
func matchPathBeforeInterp(s []byte) int {
	n := matchPathSegment(s)
	if n == 0 && len(s) >= 2 && s[0] == '~' && s[1] == '/' {
		n = 2
	}
	if n > 0 && n+1 < len(s) && s[n] == '$' && s[n+1] == '{' {
		return n + 2
	}
	return 0
}

// matchSearchPath matches SPATH: \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>.
func matchSearchPath(s []byte) int {
	if len(s) == 0 || s[0] != '<' {
		return 0
	}
	n := 1 + countPathChars(s[1:])
	if n == 1 {
		return 0
	}
	for n+1 < len(s) && s[n] == '/' && isPathChar(s[n+1]) {
		n++
		n += countPathChars(s[n:])
	}
	if n < len(s) && s[n] == '>' {
		return n + 1
	}
	return 0
}

// matchURI matches URI:
// [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
func matchURI(s []byte) int {
	if len(s) == 0 || !isLetter(s[0]) {
		return 0
	}
	n := 1
	for n < len(s) && (isLetter(s[n]) || isDigit(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.') {
		n++
	}
	if n >= len(s) || s[n] != ':' {
		return 0
	}
	n++
	m := n
	for m < len(s) && isURIChar(s[m]) {
		m++
	}
	if m == n {
		return 0
	}
	return m
}

func isURIChar(c byte) bool {
	if isLetter(c) || isDigit(c) {
		return true
	}
	switch c {
	case '%', '/', '?', ':', '@', '&', '=', '+', '$', ',', '-', '_', '.', '!', '~', '*', '\'':
		return true
	}
	return false
}

// matchIndStringOpen matches \'\'(\ *\n)?.
func matchIndStringOpen(s []byte) int {
	if len(s) < 2 || s[0] != '\'' || s[1] != '\'' {
		return 0
	}
	n := 2
	for n < len(s) && s[n] == ' ' {
		n++
	}
	if n < len(s) && s[n] == '\n' {
		return n + 1
	}
	return 2
}
