package gomod

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"strings"
)

// checker type-checks the module's own packages so that an identifier
// can be followed to the variable, constant or struct field it names,
// across packages. Dependencies are not on disk: each is an empty
// package, and what comes from it stays untyped. Errors are expected and
// ignored; go/types records what it can.
type checker struct {
	fset *token.FileSet
	load func(importPath string) *source // nil when not a module package
	info *types.Info
	done map[string]*types.Package
}

func newChecker(fset *token.FileSet, load func(string) *source) *checker {
	return &checker{
		fset: fset,
		load: load,
		info: &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{},
			Defs:  map[*ast.Ident]types.Object{},
			Uses:  map[*ast.Ident]types.Object{},
		},
		done: map[string]*types.Package{},
	}
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(p string) (*types.Package, error) { return f(p) }

// check type-checks s and the module packages it imports, once each.
func (c *checker) check(s *source) *types.Package {
	if p, ok := c.done[s.ImportPath]; ok {
		return p
	}
	c.done[s.ImportPath] = types.NewPackage(s.ImportPath, s.Name) // an import cycle ends here
	conf := types.Config{
		Importer: importerFunc(func(ip string) (*types.Package, error) {
			if p, ok := c.done[ip]; ok {
				return p, nil
			}
			if dep := c.load(ip); dep != nil {
				return c.check(dep), nil
			}
			p := types.NewPackage(ip, importName(ip))
			p.MarkComplete()
			c.done[ip] = p
			return p, nil
		}),
		Error:       func(error) {},
		FakeImportC: true,
	}
	p, _ := conf.Check(s.ImportPath, c.fset, s.files, c.info)
	if p != nil {
		c.done[s.ImportPath] = p
	}
	return c.done[s.ImportPath]
}

// importName guesses the package name of an import path the way most
// packages are named: the last element without a major version, "go-"
// prefix, "-go" or ".vN" suffix.
func importName(ip string) string {
	name := binaryName(ip)
	name = strings.TrimPrefix(name, "go-")
	name = strings.TrimSuffix(name, "-go")
	if ext := path.Ext(name); ext != "" && isMajorVersion(ext[1:]) {
		name = strings.TrimSuffix(name, ext)
	}
	return strings.ReplaceAll(name, "-", "")
}
