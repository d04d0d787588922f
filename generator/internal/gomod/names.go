package gomod

import (
	"go/ast"
	"unicode"
)

// funcName is the name a call's function goes by: f or x.f.
func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// isEnvName: upper case letters, digits and underscores.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !unicode.IsUpper(c) && !unicode.IsDigit(c) && c != '_' {
			return false
		}
	}
	return true
}
