package gomod

import (
	"go/ast"
	"go/token"
	"strings"
)

// Command-line flags: the flag package, pflag and cobra, kingpin and
// urfave/cli, each tied to the variable it sets.

type markedFlag struct {
	name string
	at   token.Pos
	cmd  string // the cobra command whose flag it is, "" when not known
}

// commandOf names the cobra command a flag set belongs to:
// serveCmd.Flags() where serveCmd = &cobra.Command{Use: "serve"}.
func (sc *scan) commandOf(recv ast.Expr) string {
	for {
		c, ok := ast.Unparen(recv).(*ast.CallExpr)
		if !ok {
			break
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		recv = sel.X
	}
	k, ok := keyOf(sc.info, recv)
	if !ok {
		return ""
	}
	for _, e := range sc.assigns[k] {
		if u, ok := e.(*ast.UnaryExpr); ok {
			e = u.X
		}
		cl, ok := e.(*ast.CompositeLit)
		if !ok {
			continue
		}
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok && funcName(kv.Key) == "Use" {
				if v, ok := constString(sc.info, kv.Value); ok {
					return strings.Fields(v + " ")[0]
				}
			}
		}
	}
	return ""
}

// flagDef reads flag.String("addr", ":8080", "...") and its relatives of
// the flag package and of pflag and cobra (StringVar, StringVarP, ...).
func (sc *scan) flagDef(ff fileFunc, c *ast.CallExpr) (*slot, bool) {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	dashes := ""
	switch ip := ff.pkgOf(c.Fun); {
	case ip == "flag":
		dashes = "-"
	case ip == "github.com/spf13/pflag":
		dashes = "--"
	case ip != "":
		return nil, false
	case ff.imports("github.com/spf13/cobra", "github.com/spf13/pflag"):
		dashes = "--"
	case ff.imports("flag"):
		dashes = "-"
	default:
		return nil, false
	}
	method := sel.Sel.Name
	short := strings.HasSuffix(method, "P")
	base := strings.TrimSuffix(method, "P")
	isVar := strings.HasSuffix(base, "Var")
	base = strings.TrimSuffix(base, "Var")
	switch base {
	case "String", "Int", "Int64", "Int32", "Uint", "Uint16", "Uint32", "Uint64", "Bool", "Duration", "Float64",
		"StringSlice", "StringArray", "IntSlice", "", "Func", "TextVar":
	default:
		return nil, false
	}
	nameArg, want := 0, 3
	if isVar {
		nameArg, want = 1, 4
	}
	if base == "" && isVar { // flag.Var(value, name, usage)
		want = 3
	}
	if short {
		want++
	}
	if len(c.Args) != want {
		return nil, false
	}
	name, ok := constString(sc.info, c.Args[nameArg])
	if !ok {
		return nil, false
	}
	s := sc.t.flag(name, dashes, c.Pos())
	if cmd := sc.commandOf(sel.X); cmd != "" {
		s.cmds = appendNew(s.cmds, cmd)
	}
	if base != "" {
		defArg := nameArg + 1
		if short {
			defArg++
		}
		if d := constOf(sc.info, c.Args[defArg]); d != nil {
			s.setDef(d, c.Args[defArg].Pos())
		} else if v := sc.eval(c.Args[defArg], 0); v.s != nil {
			s = sc.t.merge(s, v.s)
		}
	}
	if isVar {
		if o, ok := keyOf(sc.info, c.Args[0]); ok {
			s = sc.t.merge(sc.t.obj(o), s)
		}
	}
	return s, true
}

// kingpinFlag reads app.Flag("listen", "...").Envar("X").Default(":8080").String()
// and .StringVar(&x).
func (sc *scan) kingpinFlag(ff fileFunc, c *ast.CallExpr) (*slot, bool) {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || !ff.imports("github.com/alecthomas/kingpin", "gopkg.in/alecthomas/kingpin.v2") {
		return nil, false
	}
	switch strings.TrimSuffix(sel.Sel.Name, "Var") {
	case "String", "Int", "Uint16", "Uint", "Int64", "TCP", "TCPList", "Bool", "Duration", "Strings", "ExistingFile", "File", "URL", "Enum", "Float64", "Uint64", "Bytes":
	default:
		return nil, false
	}
	var name string
	var defExpr ast.Expr
	var envs []string
	required := false
	for e := sel.X; ; {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return nil, false
		}
		inner, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil, false
		}
		switch inner.Sel.Name {
		case "Default":
			if len(call.Args) > 0 {
				defExpr = call.Args[0]
			}
		case "Envar":
			if len(call.Args) == 1 {
				if n, ok := constString(sc.info, call.Args[0]); ok {
					envs = append(envs, n)
				}
			}
		case "Required":
			required = true
		case "Flag":
			if len(call.Args) == 0 {
				return nil, false
			}
			n, ok := constString(sc.info, call.Args[0])
			if !ok {
				return nil, false
			}
			name = n
		case "Arg", "Command":
			return nil, false
		}
		if name != "" {
			break
		}
		e = inner.X
	}
	s := sc.t.flag(name, "--", c.Pos())
	if defExpr != nil {
		s.setDef(constOf(sc.info, defExpr), defExpr.Pos())
	}
	for _, n := range envs {
		s = sc.t.addEnv(s, n, c.Pos())
	}
	s.find().required = s.find().required || required
	if strings.HasSuffix(sel.Sel.Name, "Var") && len(c.Args) == 1 {
		if o, ok := keyOf(sc.info, c.Args[0]); ok {
			s = sc.t.merge(sc.t.obj(o), s)
		}
	}
	return s, true
}

// urfaveFlag reads &cli.StringFlag{Name: "listen", EnvVars: []string{"X"},
// Value: ":80", Destination: &x} (urfave/cli v1, v2 and v3).
func (sc *scan) urfaveFlag(ff fileFunc, lit *ast.CompositeLit) {
	sel, ok := lit.Type.(*ast.SelectorExpr)
	if !ok || !strings.HasSuffix(sel.Sel.Name, "Flag") || !hasPrefixPath(ff.pkgOf(sel), "github.com/urfave/cli", "gopkg.in/urfave/cli") {
		return
	}
	fields := map[string]ast.Expr{}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				fields[id.Name] = kv.Value
			}
		}
	}
	name, ok := constString(sc.info, fields["Name"])
	if !ok {
		return
	}
	if n, _, found := strings.Cut(name, ","); found { // v1: "listen, l"
		name = strings.TrimSpace(n)
	}
	s := sc.t.flag(name, "--", lit.Pos())
	if d, ok := fields["Value"]; ok {
		s.setDef(constOf(sc.info, d), d.Pos())
	}
	var envs []string
	if e, ok := fields["EnvVars"]; ok {
		envs = sc.stringList(e)
	}
	if e, ok := fields["EnvVar"]; ok {
		if v, ok := constString(sc.info, e); ok {
			for _, n := range strings.Split(v, ",") {
				envs = append(envs, strings.TrimSpace(n))
			}
		}
	}
	if e, ok := fields["Sources"]; ok { // v3: cli.EnvVars("X", "Y")
		if c, ok := e.(*ast.CallExpr); ok && funcName(c.Fun) == "EnvVars" {
			for _, a := range c.Args {
				if v, ok := constString(sc.info, a); ok {
					envs = append(envs, v)
				}
			}
		}
	}
	for _, n := range envs {
		s = sc.t.addEnv(s, n, lit.Pos())
	}
	if r, ok := fields["Required"]; ok {
		if id, ok := r.(*ast.Ident); ok && id.Name == "true" {
			s.find().required = true
		}
	}
	if d, ok := fields["Destination"]; ok {
		if o, ok := keyOf(sc.info, d); ok {
			sc.t.merge(sc.t.obj(o), s)
		}
	}
}

func (sc *scan) stringList(e ast.Expr) []string {
	var out []string
	if cl, ok := e.(*ast.CompositeLit); ok {
		for _, el := range cl.Elts {
			if v, ok := constString(sc.info, el); ok {
				out = append(out, v)
			}
		}
	}
	return out
}
