package gomod

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// command is a cobra or urfave/cli command literal and its handlers
// (Run, RunE, Action).
type command struct {
	name     string
	root     bool
	retired  bool       // deprecated or hidden
	handlers []ast.Node // *ast.FuncLit or *ast.FuncDecl
}

// commands finds the cobra and urfave/cli command literals, and the set
// of their handler literals.
func (sc *scan) commands() ([]command, map[ast.Node]bool) {
	var cmds []command
	handlerLits := map[ast.Node]bool{}
	elided := map[*ast.CompositeLit]*ast.SelectorExpr{}
	sc.walk(func(ff fileFunc, n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		sel := litType(lit, elided)
		if sel == nil {
			return true
		}
		ip := ff.pkgOf(sel)
		isCobra := ip == "github.com/spf13/cobra" && sel.Sel.Name == "Command"
		isUrfave := hasPrefixPath(ip, "github.com/urfave/cli") && (sel.Sel.Name == "Command" || sel.Sel.Name == "App")
		if !isCobra && !isUrfave {
			return true
		}
		c := command{root: sel.Sel.Name == "App"}
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, _ := kv.Key.(*ast.Ident)
			if key == nil {
				continue
			}
			switch key.Name {
			case "Use", "Name":
				if v, ok := constString(sc.info, kv.Value); ok {
					c.name = strings.Fields(v + " ")[0]
				}
			case "Deprecated", "Hidden":
				c.retired = true
			case "Run", "RunE", "Action":
				switch h := ast.Unparen(kv.Value).(type) {
				case *ast.FuncLit:
					c.handlers = append(c.handlers, h)
					handlerLits[h] = true
				default:
					if id := calleeIdent(h); id != nil {
						if fn, ok := sc.info.Uses[id].(*types.Func); ok && sc.funcs[fn] != nil {
							c.handlers = append(c.handlers, sc.funcs[fn])
						}
					}
				}
			}
		}
		c.root = c.root || c.name == sc.binary
		cmds = append(cmds, c)
		return true
	})
	return cmds, handlerLits
}

// otherCommandsOnly reports the positions that only commands other than
// the serving one run: a listener in `app mock-server` is not the
// service's. It excludes nothing when the serving command's handler is
// not seen.
func (sc *scan) otherCommandsOnly(serving []string) func(token.Pos) bool {
	none := func(token.Pos) bool { return false }
	cmds, handlerLits := sc.commands()
	var serve, other []ast.Node
	for _, c := range cmds {
		isServing := c.root && len(serving) == 0 || len(serving) > 0 && c.name == serving[0]
		if isServing {
			serve = append(serve, c.handlers...)
		} else {
			other = append(other, c.handlers...)
		}
	}
	if len(serve) == 0 || len(other) == 0 {
		return none
	}
	serveReach := sc.reach(serve, handlerLits)
	otherReach := sc.reach(other, handlerLits)
	return func(pos token.Pos) bool {
		return inside(otherReach, pos) && !inside(serveReach, pos)
	}
}

func inside(nodes map[ast.Node]bool, pos token.Pos) bool {
	for n := range nodes {
		if n.Pos() <= pos && pos < n.End() {
			return true
		}
	}
	return false
}

// serveVerbBySites is the serving subcommand when the root command runs
// something else (a TUI, a client): the command named by a serving verb
// whose handler reaches a listen site that the root's does not.
func (sc *scan) serveVerbBySites(sites []site) []string {
	cmds, handlerLits := sc.commands()
	var root []ast.Node
	for _, c := range cmds {
		if c.root {
			root = append(root, c.handlers...)
		}
	}
	rootReach := sc.reach(root, handlerLits)
	for _, st := range sites {
		if inside(rootReach, st.at) {
			return nil
		}
	}
	for _, verb := range model.ServeVerbs {
		for _, c := range cmds {
			if c.name != verb || c.retired || len(c.handlers) == 0 {
				continue
			}
			r := sc.reach(c.handlers, handlerLits)
			for _, st := range sites {
				if inside(r, st.at) {
					return []string{verb}
				}
			}
		}
	}
	return nil
}

func calleeIdent(e ast.Expr) *ast.Ident {
	switch e := e.(type) {
	case *ast.CallExpr:
		return calleeIdent(e.Fun) // Run: newHandler(): the function that makes it
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// reach is the functions the start nodes call or refer to, directly or
// not, without entering other commands' handlers.
func (sc *scan) reach(start []ast.Node, handlers map[ast.Node]bool) map[ast.Node]bool {
	seen := map[ast.Node]bool{}
	queue := append([]ast.Node(nil), start...)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		ast.Inspect(n, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				if x != n && handlers[x] {
					return false
				}
			case *ast.Ident:
				if fn, ok := sc.info.Uses[x].(*types.Func); ok {
					if fd := sc.funcs[fn]; fd != nil && !seen[fd] {
						queue = append(queue, fd)
					}
				}
			}
			return true
		})
	}
	return seen
}
