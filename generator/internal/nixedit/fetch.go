package nixedit

import (
	"slices"
)

// Fetch is one call of fetchFromGitHub or fetchgit with an attribute set as
// its argument: `fetchFromGitHub { ... }`, `pkgs.fetchFromGitHub rec { ... }`,
// `(super.fetchgit { ... })`, wherever it sits in the file.
type Fetch struct {
	Func       string // "fetchFromGitHub" or "fetchgit"
	Pos        Pos    // where the call starts: its head, such as `pkgs.fetchFromGitHub`
	Start, End int    // byte span of the call, head to closing brace
	// Args holds the argument set's bindings of a single name (owner, repo,
	// rev, tag, hash, sha256, url, fetchSubmodules, ...), names from
	// `inherit` included. Paths such as `passthru.x = ...` are left out.
	// When a name is bound twice, the first binding counts.
	Args map[string]Binding
	// HashAttr is the hash argument in use: "hash" or "sha256" ("hash"
	// when both are present), or "" when there is none.
	HashAttr string
	// Version is the `version = ...;` binding the call sees, if any; see
	// FindFetches for the rule.
	Version *Binding
}

// fetchFuncs are the fetchers FindFetches reports.
var fetchFuncs = map[string]bool{"fetchFromGitHub": true, "fetchgit": true}

// FindFetches returns every fetchFromGitHub and fetchgit call in src, in
// source order. Names in comments and strings are never calls.
//
// Version follows Nix's lexical scoping for the name `version`, looking
// outward from the call's arguments: a `rec` argument set, then each
// enclosing `rec { ... }` set and `let` block. The first one that binds
// version = ...; wins. A function argument named version, `inherit (x)
// version;`, or a path such as `version.x = ...;` hides any outer binding,
// and Version is then nil; a plain `inherit version;` passes the lookup
// outward, as it does in Nix. `with` is ignored (it never shadows lexical
// names), and so are `finalAttrs.version` and other selections: only the
// bare name `version` is resolved.
func FindFetches(src []byte) ([]Fetch, error) {
	root, err := parse(src)
	if err != nil {
		return nil, err
	}
	var out []Fetch
	walk(root, nil, func(n *node, stack []*node) {
		if n.kind != nodeApply || n.y.kind != nodeAttrs {
			return
		}
		head := n.x
		for head.kind == nodeParen {
			head = head.x
		}
		names, ok := selectNames(head)
		if !ok || !fetchFuncs[names[len(names)-1]] {
			return
		}
		f := Fetch{
			Func:  names[len(names)-1],
			Pos:   n.pos,
			Start: n.pos.Offset,
			End:   n.end,
			Args:  map[string]Binding{},
		}
		for _, b := range n.y.binds {
			var bs []Binding
			switch {
			case b.inherit:
				bs = inheritedBindings(src, b)
			case len(b.path) == 1 && b.path[0].static:
				bs = []Binding{newBinding(src, b, b.path)}
			}
			for _, bb := range bs {
				if _, dup := f.Args[bb.Name]; !dup {
					f.Args[bb.Name] = bb
				}
			}
		}
		for _, h := range []string{"hash", "sha256"} {
			if _, ok := f.Args[h]; ok {
				f.HashAttr = h
				break
			}
		}
		scopes := append(slices.Clip(stack), n, n.y)
		f.Version = lookup(src, "version", scopes)
		out = append(out, f)
	})
	slices.SortStableFunc(out, func(a, b Fetch) int { return a.Start - b.Start })
	return out, nil
}

// lookup finds the binding of name visible from inside the innermost of
// scopes (outermost first). It returns nil when name is unbound, or bound
// by something other than `name = value;`.
func lookup(src []byte, name string, scopes []*node) *Binding {
	for i := len(scopes) - 1; i >= 0; i-- {
		n := scopes[i]
		switch {
		case n.kind == nodeLambda:
			if n.name == name || slices.Contains(n.formals, name) {
				return nil
			}
		case n.kind == nodeLet || n.kind == nodeAttrs && n.rec:
			for _, b := range n.binds {
				if b.inherit {
					for _, a := range b.names {
						if a.static && a.name == name && b.from != nil {
							return nil
						}
					}
					continue
				}
				if a := b.path[0]; a.static && a.name == name {
					if len(b.path) > 1 {
						return nil
					}
					v := newBinding(src, b, b.path)
					return &v
				}
			}
		}
	}
	return nil
}
