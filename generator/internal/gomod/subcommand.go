package gomod

import (
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// serveSubcommand finds the subcommand a command line program serves with:
// a cobra.Command (Use) or urfave/cli Command (Name) named by a serving verb
// that runs something, when the root command (named like the binary, or
// urfave's App) runs nothing itself. Nil when the binary serves by itself
// or no such command is plain to see.
func serveSubcommand(srcs []*source, binary string) []string {
	var verbs []string
	rootRuns := false
	elided := map[*ast.CompositeLit]*ast.SelectorExpr{}
	for _, s := range srcs {
		for i, f := range s.files {
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				sel := litType(lit, elided)
				if sel == nil {
					return true
				}
				pkgID, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				ip := s.imports[i][pkgID.Name]
				cobra := ip == "github.com/spf13/cobra" && sel.Sel.Name == "Command"
				urfave := strings.HasPrefix(ip, "github.com/urfave/cli") && (sel.Sel.Name == "Command" || sel.Sel.Name == "App")
				if !cobra && !urfave {
					return true
				}
				name, runs, retired := "", false, false
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
						if v, ok := stringLit(kv.Value); ok {
							name = strings.Fields(v + " ")[0]
						}
					case "Run", "RunE", "Action":
						runs = runs || !helpOnly(kv.Value)
					case "Deprecated", "Hidden":
						retired = true // a deprecated alias or a hidden tool
					}
				}
				root := sel.Sel.Name == "App" || name == binary
				switch {
				case root:
					rootRuns = rootRuns || runs
				case runs && !retired && slices.Contains(model.ServeVerbs, name):
					verbs = append(verbs, name)
				}
				return true
			})
		}
	}
	if !rootRuns && len(verbs) == 0 {
		verbs = commandVerbs(srcs)
	}
	if rootRuns || len(verbs) == 0 {
		return nil
	}
	for _, want := range model.ServeVerbs {
		if slices.Contains(verbs, want) {
			return []string{want}
		}
	}
	return nil
}

// helpOnly: a handler that only prints the usage (and exits), as a root
// command without an action of its own does.
func helpOnly(e ast.Expr) bool {
	fl, ok := e.(*ast.FuncLit)
	if !ok {
		return false
	}
	help, other := false, false
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch funcName(c.Fun) {
		case "Help", "Usage", "ShowAppHelp", "ShowAppHelpAndExit", "ShowCommandHelp", "ShowSubcommandHelp":
			help = true
		case "Exit", "Println", "Fprintln", "Printf", "Fprintf":
		default:
			other = true
		}
		return true
	})
	return help && !other
}

// litType is the named type of a composite literal, also when a slice
// literal elides it: []*cli.Command{{Name: "serve"}}. elided collects the
// elements' types as the slices are seen, before their elements.
func litType(lit *ast.CompositeLit, elided map[*ast.CompositeLit]*ast.SelectorExpr) *ast.SelectorExpr {
	if at, ok := lit.Type.(*ast.ArrayType); ok {
		elt := at.Elt
		if st, ok := elt.(*ast.StarExpr); ok {
			elt = st.X
		}
		if sel, ok := elt.(*ast.SelectorExpr); ok {
			for _, e := range lit.Elts {
				if inner, ok := unwrapRef(e).(*ast.CompositeLit); ok && inner.Type == nil {
					elided[inner] = sel
				}
			}
		}
		return nil
	}
	if sel, ok := lit.Type.(*ast.SelectorExpr); ok {
		return sel
	}
	return elided[lit]
}

// commandVerbs are the serving verbs of kingpin commands
// (app.Command("serve", ...)) and of docopt usage lines
// ("app serve [--port=<n>]"), when the program cannot run without a
// command: no kingpin command is the Default and every usage line names
// one.
func commandVerbs(srcs []*source) []string {
	var verbs []string
	bare := false
	for _, s := range srcs {
		for i, f := range s.files {
			kingpin := s.importsAny(i, "github.com/alecthomas/kingpin", "gopkg.in/alecthomas/kingpin.v2")
			docopt := s.importsAny(i, "github.com/docopt/docopt-go", "github.com/docopt/docopt.go")
			if !kingpin && !docopt {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !kingpin || !ok {
						return true
					}
					if sel.Sel.Name == "Default" {
						// app.Command("x", "").Default(): runs without a command.
						if inner, ok := sel.X.(*ast.CallExpr); ok && funcName(inner.Fun) == "Command" {
							bare = true
						}
					}
					if sel.Sel.Name == "Command" && len(n.Args) >= 1 {
						if v, ok := stringLit(n.Args[0]); ok && slices.Contains(model.ServeVerbs, v) {
							verbs = append(verbs, v)
						}
					}
				case *ast.BasicLit:
					if !docopt || n.Kind != token.STRING {
						return true
					}
					text, err := strconv.Unquote(n.Value)
					if err != nil || !strings.Contains(text, "Usage:") {
						return true
					}
					_, usage, _ := strings.Cut(text, "Usage:")
					for _, line := range strings.Split(usage, "\n") {
						words := strings.Fields(line)
						if len(words) == 0 {
							if len(verbs) > 0 || bare {
								break
							}
							continue
						}
						if strings.HasSuffix(words[0], ":") {
							break // the next section: "Options:"
						}
						switch {
						case len(words) == 1 || strings.HasPrefix(words[1], "-") || strings.HasPrefix(words[1], "[") || strings.HasPrefix(words[1], "<") || strings.HasPrefix(words[1], "("):
							if !helpLine(words[1:]) {
								bare = true
							}
						case slices.Contains(model.ServeVerbs, words[1]):
							verbs = append(verbs, words[1])
						}
					}
				}
				return true
			})
		}
	}
	if bare {
		return nil
	}
	return verbs
}

// helpLine: a usage line that only asks for help or the version.
func helpLine(words []string) bool {
	for _, w := range words {
		switch strings.Trim(w, "()[]") {
		case "-h", "--help", "--version", "-v", "|", "":
		default:
			return false
		}
	}
	return len(words) > 0
}
