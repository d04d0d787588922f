package rustsrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/nixgen/nixgen/generator/internal/ident"
)

// reader is a function that reads an environment variable named by one of
// its parameters: std::env::var itself, or a helper of the program's own
// such as `fn env_or(key: &str, default: &str)`.
type reader struct {
	key int // the parameter holding the variable's name
	def int // the parameter holding the default, -1 for none
	// required: the helper stops the program without the variable.
	required bool
}

// primitives are the library functions that read the environment, by
// their path as written; a bare `var` counts only where it was imported.
var primitives = map[string]bool{
	"env::var": true, "std::env::var": true, "env::var_os": true, "std::env::var_os": true,
	"dotenvy::var": true, "dotenv::var": true,
}

// envRead is one read of a variable at a call site.
type envRead struct {
	name, def    string
	hasDefault   bool
	required     bool
	alternatives []string
	at           string
}

// primitive reports whether the call's function is a library env reader.
func (p *parsed) primitive(fn *sitter.Node) bool {
	t := strings.ReplaceAll(p.text(fn), " ", "")
	if primitives[t] {
		return true
	}
	if t == "var" || t == "var_os" {
		src := string(p.src)
		return strings.Contains(src, "env::var") || strings.Contains(src, "env::{")
	}
	return false
}

// findReaders finds the program's own helper functions that read the
// environment through a parameter, following helpers of helpers.
func (a *analyzer) findReaders() {
	for round := 0; round < 4; round++ {
		changed := false
		for _, p := range a.files {
			p.walk(p.root, func(n *sitter.Node) bool {
				if n.Type() != "function_item" {
					return true
				}
				name := n.ChildByFieldName("name")
				if name == nil {
					return false
				}
				fname := p.text(name)
				if _, known := a.readers[fname]; known {
					return false
				}
				params := paramNames(p, n)
				if len(params) == 0 {
					return false
				}
				if r, ok := a.helperReader(p, n, params); ok {
					a.readers[fname] = r
					changed = true
				}
				return false
			})
		}
		if !changed {
			return
		}
	}
}

// helperReader checks whether fn passes one of its parameters to an env
// reader.
func (a *analyzer) helperReader(p *parsed, fn *sitter.Node, params []string) (reader, bool) {
	body := fn.ChildByFieldName("body")
	if body == nil {
		return reader{}, false
	}
	var found *reader
	p.walk(body, func(n *sitter.Node) bool {
		if found != nil || n.Type() != "call_expression" {
			return found == nil
		}
		fnNode := n.ChildByFieldName("function")
		keyIdx, inner, ok := a.readerOf(p, fnNode)
		if !ok {
			return true
		}
		as := args(n)
		if keyIdx >= len(as) || as[keyIdx].Type() != "identifier" {
			return true
		}
		key := indexOf(params, p.text(as[keyIdx]))
		if key < 0 {
			return true
		}
		r := reader{key: key, def: -1}
		for i, name := range params {
			if i != key && mentions(p, body, name) {
				r.def = i
				break
			}
		}
		read := a.chain(p, n, envRead{})
		r.required = inner.required || read.required
		found = &r
		return false
	})
	if found == nil {
		return reader{}, false
	}
	return *found, true
}

// readerOf tells whether a call's function reads the environment, and
// which argument names the variable.
func (a *analyzer) readerOf(p *parsed, fn *sitter.Node) (int, reader, bool) {
	if fn == nil {
		return 0, reader{}, false
	}
	if p.primitive(fn) {
		return 0, reader{key: 0, def: -1}, true
	}
	if r, ok := a.readers[p.lastSegment(fn)]; ok {
		return r.key, r, true
	}
	return 0, reader{}, false
}

// collectEnv records every read of a variable whose name can be read.
func (a *analyzer) collectEnv() {
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			if n.Type() != "call_expression" {
				return true
			}
			keyIdx, r, ok := a.readerOf(p, n.ChildByFieldName("function"))
			if !ok {
				return true
			}
			as := args(n)
			if keyIdx >= len(as) {
				return true
			}
			name, ok := a.str(p, as[keyIdx])
			if !ok {
				if as[keyIdx].Type() != "identifier" || !a.inReader(p, n) {
					a.unknown(p, n, "an environment variable whose name is computed: "+oneLine(p.text(n)))
				}
				return true
			}
			if !ident.EnvName(name) {
				a.unknown(p, n, "an environment variable name that is not one (letters, digits and _); ignored")
				return true
			}
			read := envRead{name: name, at: p.at(n), required: r.required}
			if r.def >= 0 && r.def < len(as) {
				if v, ok := a.value(p, as[r.def]); ok {
					read.def, read.hasDefault = v, true
				}
			}
			read = a.chain(p, n, read)
			a.addRead(read)
			return true
		})
	}
}

// inReader reports whether call sits inside one of the program's reader
// helpers, where the name is the helper's parameter.
func (a *analyzer) inReader(p *parsed, call *sitter.Node) bool {
	for n := call.Parent(); n != nil; n = n.Parent() {
		if n.Type() == "function_item" {
			if name := n.ChildByFieldName("name"); name != nil {
				_, ok := a.readers[p.text(name)]
				return ok
			}
		}
	}
	return false
}

// chain reads what the code around a read does with the result: a default
// (unwrap_or), a requirement (expect, unwrap, ?), an alternative variable
// (or_else(|_| env::var("OTHER"))).
func (a *analyzer) chain(p *parsed, call *sitter.Node, read envRead) envRead {
	n := call
	for {
		parent := n.Parent()
		if parent == nil {
			return read
		}
		switch parent.Type() {
		case "try_expression":
			if !read.hasDefault {
				read.required = true
			}
			n = parent
			continue
		case "field_expression":
			method := parent.ChildByFieldName("field")
			call := parent.Parent()
			if method == nil || call == nil || call.Type() != "call_expression" {
				return read
			}
			as := args(call)
			switch p.text(method) {
			case "unwrap_or", "unwrap_or_else", "or", "map_or":
				if len(as) > 0 {
					if v, ok := a.value(p, as[0]); ok {
						read.def, read.hasDefault = v, true
					} else if alt, ok := a.alternative(p, as[0]); ok {
						read.alternatives = append(read.alternatives, alt)
						n = call
						continue
					}
				}
				read.hasDefault = true
				read.required = false
				return read
			case "unwrap_or_default", "is_ok", "is_err":
				read.hasDefault = true
				read.required = false
				return read
			case "ok", "unwrap_or_else_default":
				// An Option from here on: optional, unless unwrapped.
				optional := read
				optional.hasDefault, optional.required = true, false
				rest := a.chain(p, call, envRead{name: read.name, at: read.at})
				if rest.hasDefault && rest.def != "" {
					optional.def = rest.def
				}
				if rest.required {
					return rest
				}
				return optional
			case "expect", "unwrap", "context", "with_context", "expect_err":
				if !read.hasDefault {
					read.required = true
				}
				n = call
				continue
			case "or_else":
				if len(as) > 0 {
					if alt, ok := a.alternative(p, as[0]); ok {
						read.alternatives = append(read.alternatives, alt)
					}
				}
				n = call
				continue
			case "parse", "map", "and_then", "map_err", "into", "to_string", "to_owned", "as_str", "trim", "into_string", "to_str":
				n = call
				continue
			}
			return read
		case "parenthesized_expression", "reference_expression":
			n = parent
			continue
		}
		return read
	}
}

// alternative reads `|_| env::var("OTHER")` (or a helper call) in a closure.
func (a *analyzer) alternative(p *parsed, n *sitter.Node) (string, bool) {
	var name string
	p.walk(n, func(c *sitter.Node) bool {
		if name != "" {
			return false
		}
		if c.Type() == "call_expression" {
			if keyIdx, _, ok := a.readerOf(p, c.ChildByFieldName("function")); ok {
				if as := args(c); keyIdx < len(as) {
					name, _ = a.str(p, as[keyIdx])
				}
			}
		}
		return true
	})
	return name, name != ""
}

func (a *analyzer) addRead(r envRead) {
	s, ok := a.settings[r.name]
	if !ok {
		s = &setting{name: r.name, at: r.at}
		a.settings[r.name] = s
		a.order = append(a.order, r.name)
	}
	if r.hasDefault && (!s.hasDefault || s.def == "" && r.def != "") {
		s.def, s.hasDefault = r.def, true
	}
	if r.required && !r.hasDefault {
		s.required = true
	}
	if r.hasDefault {
		s.defaulted = true
	}
	s.alternatives = append(s.alternatives, r.alternatives...)
}

func paramNames(p *parsed, fn *sitter.Node) []string {
	list := fn.ChildByFieldName("parameters")
	if list == nil {
		return nil
	}
	var names []string
	for i := 0; i < int(list.NamedChildCount()); i++ {
		c := list.NamedChild(i)
		if c.Type() != "parameter" {
			continue
		}
		pat := c.ChildByFieldName("pattern")
		if pat == nil {
			names = append(names, "")
			continue
		}
		names = append(names, strings.TrimPrefix(p.text(pat), "mut "))
	}
	return names
}

func mentions(p *parsed, n *sitter.Node, name string) bool {
	found := false
	p.walk(n, func(c *sitter.Node) bool {
		if c.Type() == "identifier" && p.text(c) == name {
			found = true
		}
		return !found
	})
	return found
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
