package nixedit

import (
	"fmt"
	"slices"
	"strings"
)

// The parser follows the grammar of Nix 2.8 (parser.y) closely enough to
// accept exactly the same programs; it keeps only what the finders need:
// spans, attribute sets with their bindings, and the binders of names
// (rec, let, function arguments).

type nodeKind int

const (
	nodeVar       nodeKind = iota // name
	nodeLiteral                   // integer, float, URI or search path
	nodeString                    // "..."; list holds interpolated expressions
	nodeIndString                 // ''...''; list holds interpolated expressions
	nodePath                      // list holds interpolated expressions
	nodeParen                     // (x)
	nodeAttrs                     // { binds } or rec { binds } or let { binds }
	nodeList                      // [ list ]
	nodeSelect                    // x.path or y
	nodeHasAttr                   // x ? path
	nodeApply                     // x y
	nodeBinary                    // x op y
	nodeUnary                     // !x or -x
	nodeIf                        // if x then y else z
	nodeLambda                    // name: y, or { formals } @ name: y; list holds defaults
	nodeLet                       // let binds in y
	nodeWith                      // with x; y
	nodeAssert                    // assert x; y
)

type node struct {
	kind    nodeKind
	pos     Pos // of the first byte
	end     int // offset after the last byte
	x, y, z *node
	list    []*node
	binds   []*bind
	path    []attrName // nodeSelect, nodeHasAttr
	rec     bool       // nodeAttrs
	name    string     // nodeVar; nodeLambda's argument name, if any
	formals []string   // nodeLambda
	plain   bool       // nodeString without interpolation
	text    string     // decoded text of a plain nodeString
}

// bind is `path = value;` or `inherit (from) names;`.
type bind struct {
	pos     Pos
	path    []attrName
	value   *node
	inherit bool
	from    *node
	names   []attrName
}

// attrName is one element of an attribute path.
type attrName struct {
	pos    Pos
	end    int
	static bool   // an identifier or a string without interpolation
	name   string // the name when static, else its source text
	expr   *node  // the string or interpolation when not an identifier
}

// children returns the direct subexpressions of n in source order.
func (n *node) children() []*node {
	var c []*node
	add := func(ns ...*node) {
		for _, k := range ns {
			if k != nil {
				c = append(c, k)
			}
		}
	}
	addPath := func(p []attrName) {
		for _, a := range p {
			add(a.expr)
		}
	}
	add(n.x, n.y, n.z)
	add(n.list...)
	addPath(n.path)
	for _, b := range n.binds {
		addPath(b.path)
		add(b.value, b.from)
		addPath(b.names)
	}
	slices.SortFunc(c, func(a, b *node) int { return a.pos.Offset - b.pos.Offset })
	return c
}

// walk calls visit for n and every node below it, parents first, with the
// chain of enclosing nodes (outermost first).
func walk(n *node, stack []*node, visit func(n *node, stack []*node)) {
	visit(n, stack)
	stack = append(stack, n)
	for _, c := range n.children() {
		walk(c, stack, visit)
	}
}

// Check reports the first syntax error in src as a *SyntaxError, or nil
// when Nix's parser accepts the syntax. Run it on edited source before
// writing it. The checks Nix makes while parsing that are not syntax
// (duplicate attributes or arguments, undefined variables) are left out:
// replacing a value cannot break them.
func Check(src []byte) error {
	_, err := parse(src)
	return err
}

func parse(src []byte) (*node, error) {
	toks, err := Lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src}
	for _, t := range toks {
		if t.Kind != Space && t.Kind != Comment {
			p.toks = append(p.toks, t)
		}
	}
	end := Pos{Offset: len(src), Line: 1, Col: 1}
	if len(toks) > 0 {
		last := toks[len(toks)-1]
		end = endPos(src, last)
	}
	p.toks = append(p.toks, Token{Kind: eof, Pos: end, End: end.Offset})
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek().Kind != eof {
		return nil, p.unexpected("end of file")
	}
	return n, nil
}

// endPos is the position just after token t.
func endPos(src []byte, t Token) Pos {
	p := t.Pos
	for i := p.Offset; i < t.End; i++ {
		switch src[i] {
		case '\n':
			p.Line, p.Col = p.Line+1, 1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				p.Col++
			} else {
				p.Line, p.Col = p.Line+1, 1
			}
		default:
			p.Col++
		}
	}
	p.Offset = t.End
	return p
}

type parser struct {
	src   []byte
	toks  []Token // without space and comments, ending with eof
	i     int
	depth int // recursion depth, against stack exhaustion
}

// maxDepth bounds nesting far beyond any real file.
const maxDepth = 10000

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &SyntaxError{Pos: p.peek().Pos, Msg: "expression nested too deeply"}
	}
	return nil
}

func (p *parser) peek() Token { return p.peekAt(0) }

func (p *parser) peekAt(k int) Token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() Token {
	t := p.peek()
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

// lastEnd is the end of the token consumed last.
func (p *parser) lastEnd() int { return p.toks[p.i-1].End }

func (p *parser) describe(t Token) string {
	switch t.Kind {
	case eof:
		return "end of file"
	case Ident, Int, Float, Path, PathText, SearchPath, URI:
		return fmt.Sprintf("%s %s", t.Kind, t.Text(p.src))
	case StringText, IndStringText:
		return "string text"
	}
	return fmt.Sprintf("%q", t.Kind.String())
}

func (p *parser) unexpected(expected string) error {
	t := p.peek()
	return &SyntaxError{Pos: t.Pos, Msg: fmt.Sprintf("unexpected %s, expected %s", p.describe(t), expected)}
}

func (p *parser) expect(k Kind) (Token, error) {
	if p.peek().Kind != k {
		return Token{}, p.unexpected(fmt.Sprintf("%q", k.String()))
	}
	return p.next(), nil
}

func (p *parser) newNode(kind nodeKind, start Token) *node {
	return &node{kind: kind, pos: start.Pos}
}

// expr is expr_function: lambdas, assert, with, let, or expr_if.
func (p *parser) expr() (*node, error) {
	defer func() { p.depth-- }()
	if err := p.enter(); err != nil {
		return nil, err
	}
	t := p.peek()
	switch t.Kind {
	case Ident:
		switch p.peekAt(1).Kind {
		case Colon:
			n := p.newNode(nodeLambda, t)
			n.name = t.Text(p.src)
			p.i += 2
			return p.finish(n, &n.y, p.expr)
		case At:
			if p.peekAt(2).Kind == LBrace {
				n := p.newNode(nodeLambda, t)
				n.name = t.Text(p.src)
				p.i += 2
				if err := p.formals(n); err != nil {
					return nil, err
				}
				if _, err := p.expect(Colon); err != nil {
					return nil, err
				}
				return p.finish(n, &n.y, p.expr)
			}
		}
	case LBrace:
		if p.startsFormals() {
			n := p.newNode(nodeLambda, t)
			if err := p.formals(n); err != nil {
				return nil, err
			}
			if p.peek().Kind == At {
				p.next()
				id, err := p.expect(Ident)
				if err != nil {
					return nil, err
				}
				n.name = id.Text(p.src)
			}
			if _, err := p.expect(Colon); err != nil {
				return nil, err
			}
			return p.finish(n, &n.y, p.expr)
		}
	case Assert, With:
		kind := nodeAssert
		if t.Kind == With {
			kind = nodeWith
		}
		n := p.newNode(kind, t)
		p.next()
		var err error
		if n.x, err = p.expr(); err != nil {
			return nil, err
		}
		if _, err := p.expect(Semi); err != nil {
			return nil, err
		}
		return p.finish(n, &n.y, p.expr)
	case Let:
		if p.peekAt(1).Kind != LBrace {
			n := p.newNode(nodeLet, t)
			p.next()
			var err error
			if n.binds, err = p.binds(In); err != nil {
				return nil, err
			}
			p.next() // in
			return p.finish(n, &n.y, p.expr)
		}
	}
	return p.exprIf()
}

// finish parses the last part of n into *last and sets n's end.
func (p *parser) finish(n *node, last **node, parse func() (*node, error)) (*node, error) {
	x, err := parse()
	if err != nil {
		return nil, err
	}
	*last = x
	n.end = x.end
	return n, nil
}

// startsFormals reports whether the `{` at the cursor opens a function's
// formal arguments rather than an attribute set.
func (p *parser) startsFormals() bool {
	switch p.peekAt(1).Kind {
	case RBrace:
		k := p.peekAt(2).Kind
		return k == Colon || k == At
	case Ellipsis:
		return true
	case Ident:
		switch p.peekAt(2).Kind {
		case Comma, Question, RBrace:
			return true
		}
	}
	return false
}

// formals parses `{ a, b ? default, ... }`.
func (p *parser) formals(n *node) error {
	if _, err := p.expect(LBrace); err != nil {
		return err
	}
	for {
		switch p.peek().Kind {
		case RBrace:
			p.next()
			return nil
		case Ellipsis:
			p.next()
			_, err := p.expect(RBrace)
			return err
		case Ident:
			n.formals = append(n.formals, p.next().Text(p.src))
			if p.peek().Kind == Question {
				p.next()
				d, err := p.expr()
				if err != nil {
					return err
				}
				n.list = append(n.list, d)
			}
			switch p.peek().Kind {
			case Comma:
				p.next()
			case RBrace:
			default:
				return p.unexpected(`"," or "}"`)
			}
		default:
			return p.unexpected(`identifier, "..." or "}"`)
		}
	}
}

func (p *parser) exprIf() (*node, error) {
	t := p.peek()
	if t.Kind != If {
		return p.exprOp(0)
	}
	n := p.newNode(nodeIf, t)
	p.next()
	var err error
	if n.x, err = p.expr(); err != nil {
		return nil, err
	}
	if _, err := p.expect(Then); err != nil {
		return nil, err
	}
	if n.y, err = p.expr(); err != nil {
		return nil, err
	}
	if _, err := p.expect(Else); err != nil {
		return nil, err
	}
	return p.finish(n, &n.z, p.expr)
}

type assoc int

const (
	left assoc = iota
	right
	nonassoc
)

// Binary operators by precedence, as declared in parser.y; `!` sits at 7
// and unary minus at 12.
var binaryOps = map[Kind]struct {
	prec  int
	assoc assoc
}{
	Impl: {1, right}, Or: {2, left}, And: {3, left},
	Eq: {4, nonassoc}, Neq: {4, nonassoc},
	Lt: {5, nonassoc}, Gt: {5, nonassoc}, Le: {5, nonassoc}, Ge: {5, nonassoc},
	Update: {6, right},
	Plus:   {8, left}, Minus: {8, left},
	Star: {9, left}, Slash: {9, left},
	Concat: {10, right},
	// %nonassoc in parser.y, but its right side is an attribute path, so
	// bison never meets the conflict and `a ? b ? c` parses.
	Question: {11, left},
}

const (
	precNot    = 7
	precNegate = 12
)

// exprOp parses operators binding at least as tightly as minPrec.
func (p *parser) exprOp(minPrec int) (*node, error) {
	defer func() { p.depth-- }()
	if err := p.enter(); err != nil {
		return nil, err
	}
	var lhs *node
	var err error
	switch t := p.peek(); t.Kind {
	case Not, Minus:
		prec := precNot
		if t.Kind == Minus {
			prec = precNegate
		}
		n := p.newNode(nodeUnary, t)
		p.next()
		if lhs, err = p.finish(n, &n.x, func() (*node, error) { return p.exprOp(prec + 1) }); err != nil {
			return nil, err
		}
	default:
		if lhs, err = p.exprApp(); err != nil {
			return nil, err
		}
	}
	lastPrec := -1 // precedence of the last non-associative operator applied
	for {
		t := p.peek()
		op, ok := binaryOps[t.Kind]
		if !ok || op.prec < minPrec {
			return lhs, nil
		}
		if op.assoc == nonassoc && op.prec == lastPrec {
			return nil, p.unexpected("an operand, not a second " + t.Kind.String())
		}
		p.next()
		n := &node{kind: nodeBinary, pos: lhs.pos, x: lhs, name: t.Kind.String()}
		if t.Kind == Question {
			n.kind = nodeHasAttr
			if n.path, err = p.attrPath(); err != nil {
				return nil, err
			}
			n.end = p.lastEnd()
		} else {
			next := op.prec + 1
			if op.assoc == right {
				next = op.prec
			}
			if _, err = p.finish(n, &n.y, func() (*node, error) { return p.exprOp(next) }); err != nil {
				return nil, err
			}
		}
		lastPrec = -1
		if op.assoc == nonassoc {
			lastPrec = op.prec
		}
		lhs = n
	}
}

// startsSimple reports whether the token at the cursor can begin an
// expr_simple, and so an argument in an application or a list element.
func (p *parser) startsSimple() bool {
	switch p.peek().Kind {
	case Ident, Int, Float, Path, SearchPath, URI, StringOpen, IndStringOpen,
		LParen, LBrace, LBracket, Rec:
		return true
	case Let:
		return p.peekAt(1).Kind == LBrace
	}
	return false
}

func (p *parser) exprApp() (*node, error) {
	fn, err := p.exprSelect()
	if err != nil {
		return nil, err
	}
	for p.startsSimple() {
		n := &node{kind: nodeApply, pos: fn.pos, x: fn}
		if _, err := p.finish(n, &n.y, p.exprSelect); err != nil {
			return nil, err
		}
		fn = n
	}
	return fn, nil
}

func (p *parser) exprSelect() (*node, error) {
	x, err := p.exprSimple()
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); t.Kind {
	case Dot:
		p.next()
		n := &node{kind: nodeSelect, pos: x.pos, x: x}
		if n.path, err = p.attrPath(); err != nil {
			return nil, err
		}
		n.end = p.lastEnd()
		if p.peek().Kind == OrKeyword {
			p.next()
			return p.finish(n, &n.y, p.exprSelect)
		}
		return n, nil
	case OrKeyword:
		// parser.y: `map or [...]` applies x to a variable named "or".
		p.next()
		or := &node{kind: nodeVar, pos: t.Pos, end: t.End, name: "or"}
		return &node{kind: nodeApply, pos: x.pos, end: t.End, x: x, y: or}, nil
	}
	return x, nil
}

func (p *parser) exprSimple() (*node, error) {
	defer func() { p.depth-- }()
	if err := p.enter(); err != nil {
		return nil, err
	}
	t := p.peek()
	switch t.Kind {
	case Ident:
		p.next()
		return &node{kind: nodeVar, pos: t.Pos, end: t.End, name: t.Text(p.src)}, nil
	case Int, Float, SearchPath, URI:
		p.next()
		return &node{kind: nodeLiteral, pos: t.Pos, end: t.End}, nil
	case StringOpen:
		return p.str()
	case IndStringOpen:
		return p.indStr()
	case Path:
		return p.path()
	case LParen:
		p.next()
		n := p.newNode(nodeParen, t)
		var err error
		if n.x, err = p.expr(); err != nil {
			return nil, err
		}
		close, err := p.expect(RParen)
		if err != nil {
			return nil, err
		}
		n.end = close.End
		return n, nil
	case Let, Rec, LBrace:
		n := p.newNode(nodeAttrs, t)
		if t.Kind != LBrace {
			// `let { ... }` is an old spelling of (rec { ... }).body.
			n.rec = true
			p.next()
		}
		if _, err := p.expect(LBrace); err != nil {
			return nil, err
		}
		var err error
		if n.binds, err = p.binds(RBrace); err != nil {
			return nil, err
		}
		n.end = p.next().End
		return n, nil
	case LBracket:
		p.next()
		n := p.newNode(nodeList, t)
		for p.startsSimple() {
			x, err := p.exprSelect()
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, x)
		}
		close, err := p.expect(RBracket)
		if err != nil {
			return nil, err
		}
		n.end = close.End
		return n, nil
	}
	return nil, p.unexpected("an expression")
}

// interp parses `${ expr }`, the cursor on `${`.
func (p *parser) interp() (*node, error) {
	p.next()
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(InterpClose); err != nil {
		return nil, err
	}
	return x, nil
}

func (p *parser) str() (*node, error) {
	n := p.newNode(nodeString, p.next())
	var text strings.Builder
	for {
		switch t := p.peek(); t.Kind {
		case StringText:
			text.WriteString(t.Text(p.src))
			p.next()
		case InterpOpen:
			x, err := p.interp()
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, x)
		case StringClose:
			p.next()
			n.end = t.End
			if n.plain = len(n.list) == 0; n.plain {
				n.text = unescapeString(text.String())
			}
			return n, nil
		default:
			return nil, p.unexpected(`'"'`)
		}
	}
}

func (p *parser) indStr() (*node, error) {
	n := p.newNode(nodeIndString, p.next())
	for {
		switch t := p.peek(); t.Kind {
		case IndStringText:
			p.next()
		case InterpOpen:
			x, err := p.interp()
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, x)
		case IndStringClose:
			p.next()
			n.end = t.End
			return n, nil
		default:
			return nil, p.unexpected(`"''"`)
		}
	}
}

// path parses a path and its interpolations. A `${` belongs to the path
// when it touches the piece before it; the lexer ends a path at the first
// byte that cannot continue it.
//
// As in parser.y, a piece that follows the first one must lead to an
// interpolation: `/a//b` lexes as "/a/" and "/b" and is an error.
func (p *parser) path() (*node, error) {
	t := p.next()
	n := p.newNode(nodePath, t)
	n.end = t.End
	pieces := 1
	for {
		switch t := p.peek(); {
		case t.Kind == PathText && (len(n.list) > 0 || pieces == 1):
			p.next()
			n.end = t.End
			pieces++
		case t.Kind == InterpOpen && t.Pos.Offset == n.end:
			x, err := p.interp()
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, x)
			n.end = p.lastEnd()
		case len(n.list) == 0 && pieces > 1:
			return nil, p.unexpected(`"${"`)
		default:
			return n, nil
		}
	}
}

// binds parses bindings up to the token `until` (`}` or `in`), which it
// leaves for the caller.
func (p *parser) binds(until Kind) ([]*bind, error) {
	var bs []*bind
	for {
		t := p.peek()
		switch t.Kind {
		case until:
			return bs, nil
		case Inherit:
			p.next()
			b := &bind{pos: t.Pos, inherit: true}
			if p.peek().Kind == LParen {
				p.next()
				var err error
				if b.from, err = p.expr(); err != nil {
					return nil, err
				}
				if _, err := p.expect(RParen); err != nil {
					return nil, err
				}
			}
			for p.peek().Kind != Semi {
				a, err := p.attr()
				if err != nil {
					return nil, err
				}
				b.names = append(b.names, a)
			}
			p.next()
			bs = append(bs, b)
		default:
			b := &bind{pos: t.Pos}
			var err error
			if b.path, err = p.attrPath(); err != nil {
				return nil, err
			}
			if _, err := p.expect(Assign); err != nil {
				return nil, err
			}
			if b.value, err = p.expr(); err != nil {
				return nil, err
			}
			if _, err := p.expect(Semi); err != nil {
				return nil, err
			}
			bs = append(bs, b)
		}
	}
}

func (p *parser) attrPath() ([]attrName, error) {
	var path []attrName
	for {
		a, err := p.attr()
		if err != nil {
			return nil, err
		}
		path = append(path, a)
		if p.peek().Kind != Dot {
			return path, nil
		}
		p.next()
	}
}

// attr parses one attribute name: an identifier, `or`, a string or `${...}`.
func (p *parser) attr() (attrName, error) {
	t := p.peek()
	a := attrName{pos: t.Pos}
	switch t.Kind {
	case Ident, OrKeyword:
		p.next()
		a.static, a.name, a.end = true, t.Text(p.src), t.End
		return a, nil
	case StringOpen:
		s, err := p.str()
		if err != nil {
			return a, err
		}
		a.expr, a.end = s, s.end
		a.static = s.plain
		if s.plain {
			a.name = s.text
		}
	case InterpOpen:
		x, err := p.interp()
		if err != nil {
			return a, err
		}
		a.expr, a.end = x, p.lastEnd()
		// Like parser.y, take `${"name"}` for the plain name.
		if x.kind == nodeString && x.plain {
			a.static, a.name = true, x.text
		}
	default:
		return a, p.unexpected("an attribute name")
	}
	if !a.static {
		a.name = string(p.src[a.pos.Offset:a.end])
	}
	return a, nil
}
