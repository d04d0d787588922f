package nixedit

import (
	"fmt"
	"slices"
	"strings"
)

// Value is the expression bound to an attribute.
type Value struct {
	Start, End int    // byte span of the whole expression, without space or comments
	Raw        string // its source text
	// Literal: the expression is a plain "..." string without
	// interpolation, so its whole span may be replaced by QuoteString of a
	// new value. Indented strings ('' ... '') are never Literal.
	Literal bool
	Text    string // the decoded string when Literal
	// Placeholder: a hash that is there to be filled in: "",
	// lib.fakeHash, lib.fakeSha256, lib.fakeSha512 (also as pkgs.lib.*
	// or bare, under `with lib;`).
	Placeholder bool
}

// Binding is one `name = value;`, or a name from an `inherit`.
type Binding struct {
	Name string // the last attribute name, decoded when quoted
	// Path is the full attribute path, through enclosing attribute sets
	// that are direct values of bindings: `cargoLock = { outputHashes =
	// ...; }` gives [cargoLock outputHashes] for the inner binding, as
	// `cargoLock.outputHashes = ...;` does. A name with interpolation
	// appears as its source text.
	Path []string
	Pos  Pos // where the binding's attribute path (or `inherit`) starts
	// Inherited: the name comes from `inherit name;` or
	// `inherit (expr) name;`. Value then spans just that name and is not
	// Literal.
	Inherited bool
	Value     Value
}

func newValue(src []byte, n *node) Value {
	v := Value{Start: n.pos.Offset, End: n.end, Raw: string(src[n.pos.Offset:n.end])}
	if n.kind == nodeString && n.plain {
		v.Literal, v.Text = true, n.text
		v.Placeholder = n.text == ""
	}
	v.Placeholder = v.Placeholder || isFakeHash(n)
	return v
}

var fakeHashes = map[string]bool{"fakeHash": true, "fakeSha256": true, "fakeSha512": true}

// isFakeHash recognises lib.fakeHash and friends.
func isFakeHash(n *node) bool {
	names, ok := selectNames(n)
	if !ok || !fakeHashes[names[len(names)-1]] {
		return false
	}
	return len(names) == 1 || names[len(names)-2] == "lib"
}

// selectNames flattens `a.b.c` into [a b c] when every name is static.
func selectNames(n *node) ([]string, bool) {
	switch n.kind {
	case nodeVar:
		return []string{n.name}, true
	case nodeSelect:
		if n.y != nil {
			return nil, false
		}
		names, ok := selectNames(n.x)
		if !ok {
			return nil, false
		}
		for _, a := range n.path {
			if !a.static {
				return nil, false
			}
			names = append(names, a.name)
		}
		return names, true
	}
	return nil, false
}

func pathNames(path []attrName) []string {
	names := make([]string, len(path))
	for i, a := range path {
		names[i] = a.name
	}
	return names
}

func newBinding(src []byte, b *bind, full []attrName) Binding {
	return Binding{
		Name:  full[len(full)-1].name,
		Path:  pathNames(full),
		Pos:   b.pos,
		Value: newValue(src, b.value),
	}
}

// inheritedBindings returns a Binding for each static name of an inherit.
func inheritedBindings(src []byte, b *bind) []Binding {
	var out []Binding
	for _, a := range b.names {
		if !a.static {
			continue
		}
		out = append(out, Binding{
			Name:      a.name,
			Path:      []string{a.name},
			Pos:       b.pos,
			Inherited: true,
			Value:     Value{Start: a.pos.Offset, End: a.end, Raw: string(src[a.pos.Offset:a.end])},
		})
	}
	return out
}

// eachBind calls f for every `path = value;` in the file, with the full
// attribute path through enclosing attribute sets that are values of
// bindings themselves (in a let block too: `let cargoLock = { ... }`).
func eachBind(root *node, f func(b *bind, full []attrName)) {
	prefix := map[*node][]attrName{}
	walk(root, nil, func(n *node, _ []*node) {
		if n.kind != nodeAttrs && n.kind != nodeLet {
			return
		}
		for _, b := range n.binds {
			if b.inherit {
				continue
			}
			full := append(slices.Clip(prefix[n]), b.path...)
			if b.value.kind == nodeAttrs {
				prefix[b.value] = full
			}
			f(b, full)
		}
	})
}

// hasSuffix reports whether the static names at the end of full are want.
func hasSuffix(full []attrName, want []string) bool {
	if len(full) < len(want) {
		return false
	}
	tail := full[len(full)-len(want):]
	for i, a := range tail {
		if !a.static || a.name != want[i] {
			return false
		}
	}
	return true
}

// FindBindings returns, in source order, every `... = value;` whose full
// attribute path (see Binding.Path) ends with name, a dot-separated path of
// plain names: "vendorHash", "version", "cargoLock.outputHashes". It looks
// in attribute sets and let blocks anywhere in the file; `inherit` is
// skipped, as it holds no value of its own.
func FindBindings(src []byte, name string) ([]Binding, error) {
	want := strings.Split(name, ".")
	if slices.Contains(want, "") {
		return nil, fmt.Errorf("nixedit: bad attribute path %q", name)
	}
	root, err := parse(src)
	if err != nil {
		return nil, err
	}
	var out []Binding
	eachBind(root, func(b *bind, full []attrName) {
		if hasSuffix(full, want) {
			out = append(out, newBinding(src, b, full))
		}
	})
	sortBindings(out)
	return out, nil
}

// FindOutputHashes returns the entries of every `outputHashes` attribute
// set (as in buildRustPackage's cargoLock.outputHashes), in source order.
// Name is the entry's decoded name, such as "foo-0.1.0", whether it is
// written inside `outputHashes = { ... };` or as
// `cargoLock.outputHashes."foo-0.1.0" = ...;`.
func FindOutputHashes(src []byte) ([]Binding, error) {
	root, err := parse(src)
	if err != nil {
		return nil, err
	}
	var out []Binding
	eachBind(root, func(b *bind, full []attrName) {
		if len(full) >= 2 && full[len(full)-1].static && hasSuffix(full[:len(full)-1], []string{"outputHashes"}) {
			out = append(out, newBinding(src, b, full))
		}
	})
	sortBindings(out)
	return out, nil
}

func sortBindings(bs []Binding) {
	slices.SortStableFunc(bs, func(a, b Binding) int { return a.Value.Start - b.Value.Start })
}
