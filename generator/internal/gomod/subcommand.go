package gomod

import (
	"go/ast"
	"slices"
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
	for _, s := range srcs {
		for i, f := range s.files {
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				sel, ok := lit.Type.(*ast.SelectorExpr)
				if !ok {
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
				name, runs := "", false
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
						runs = true
					}
				}
				root := sel.Sel.Name == "App" || name == binary
				switch {
				case root:
					rootRuns = rootRuns || runs
				case runs && slices.Contains(model.ServeVerbs, name):
					verbs = append(verbs, name)
				}
				return true
			})
		}
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
