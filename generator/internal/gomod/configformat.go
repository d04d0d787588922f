package gomod

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// The configuration file's format, from the call that parses it.

type format struct {
	name string
	rank int // lower wins
	at   token.Pos
}

// configType: a module struct named as a configuration (Config, Options,
// Settings).
func configType(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok {
		return false
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return false
	}
	name := strings.ToLower(n.Obj().Name())
	return strings.Contains(name, "config") || strings.Contains(name, "conf") || strings.Contains(name, "options") || strings.Contains(name, "settings")
}

// formatCall notes the format a configuration file is parsed as: a
// decoder filling the program's configuration struct, viper's and koanf's
// parsers, urfave/cli's altsrc.
func (sc *scan) formatCall(ff fileFunc, c *ast.CallExpr, pkg, name string) {
	formatOf := func(ip string) string {
		switch {
		case hasPrefixPath(ip, "github.com/BurntSushi/toml", "github.com/pelletier/go-toml"):
			return "toml"
		case hasPrefixPath(ip, "gopkg.in/yaml", "sigs.k8s.io/yaml", "github.com/goccy/go-yaml", "go.yaml.in/yaml", "github.com/ghodss/yaml"):
			return "yaml"
		case ip == "encoding/json":
			return "json"
		}
		return ""
	}
	target := func() bool {
		return len(c.Args) >= 1 && configType(sc.info.TypeOf(c.Args[len(c.Args)-1]))
	}
	switch {
	case formatOf(pkg) != "" && name != "NewDecoder":
		if name == "YAMLToJSON" {
			sc.addFormat("yaml", 3, c.Pos())
		} else if target() {
			sc.addFormat(formatOf(pkg), 2, c.Pos())
			sc.configRootArg(c)
		}
	case name == "Decode":
		// yaml.NewDecoder(f).Decode(&cfg)
		if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
			if inner, ok := sel.X.(*ast.CallExpr); ok && funcName(inner.Fun) == "NewDecoder" {
				if f := formatOf(ff.pkgOf(inner.Fun)); f != "" && target() {
					sc.addFormat(f, 2, c.Pos())
				}
			}
		}
	case hasPrefixPath(pkg, "github.com/urfave/cli") && strings.Contains(pkg, "altsrc"):
		// altsrc.NewYamlSourceFromFile, NewTomlSourceFromFlagFunc, ...
		for _, f := range []string{"Yaml", "Toml", "JSON"} {
			if strings.Contains(name, f) {
				sc.addFormat(f, 1, c.Pos())
			}
		}
	}
}

func (sc *scan) configRootArg(c *ast.CallExpr) {
	if len(c.Args) >= 1 {
		if t := sc.info.TypeOf(c.Args[len(c.Args)-1]); t != nil {
			sc.configRoots = append(sc.configRoots, t)
		}
	}
}

func (sc *scan) addFormat(f string, rank int, at token.Pos) {
	f = strings.ToLower(f)
	if f == "yml" {
		f = "yaml"
	}
	sc.formats = append(sc.formats, format{name: f, rank: rank, at: at})
}
