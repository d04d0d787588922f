package gomod

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// surfaceOf reads what a command offers and needs at run time: the
// sockets it listens on, the environment variables it reads, its
// configuration file, the subcommand that serves and the health route.
// srcs are the main package and the module packages it reaches.
func surfaceOf(c *checker, srcs []*source, binary string) *model.Surface {
	for _, s := range srcs {
		c.check(s)
	}
	sc := &scan{fset: c.fset, info: c.info, srcs: srcs, t: newSlots(), binary: binary}
	sc.index()
	sc.collect()
	sc.defaultsWhenEmpty()
	sc.envPrefix = sc.commonEnvPrefix()

	sf := &model.Surface{Subcommand: serveSubcommand(srcs, binary)}
	if sf.Subcommand == nil {
		sf.Subcommand = sc.serveVerbBySites(sc.sites())
	}
	sc.elsewhere = sc.otherCommandsOnly(sf.Subcommand)
	sc.serving = sf.Subcommand
	sf.Listeners = sc.listeners()
	sc.markRequired()
	sf.Settings = sc.settings()
	sf.Config = sc.configFile()
	if h, at := healthRoute(srcs, sc.constant); h != "" {
		sf.Health = model.Evidence{Value: h, At: at}
	}
	sf.Unknown = sc.unknown
	return sf
}

func (sc *scan) pos(p token.Pos) string {
	if !p.IsValid() {
		return ""
	}
	position := sc.fset.Position(p)
	return fmt.Sprintf("%s:%d", position.Filename, position.Line)
}

// constant reads a string constant, or a variable's default.
func (sc *scan) constant(e ast.Expr) (string, bool) {
	v := sc.eval(e, 0)
	switch {
	case v.hasLit && !v.intLit:
		return v.lit, true
	case v.s != nil && v.s.find().hasDef && !v.s.find().intDef:
		return v.s.find().def, true
	}
	return "", false
}

// otherCommand: cmd names a command other than the root and the serving
// one.
func (sc *scan) otherCommand(cmd string) bool {
	if cmd == "" || cmd == sc.binary {
		return false
	}
	return len(sc.serving) == 0 || cmd != sc.serving[0]
}

// elsewhereSlot: the slot is only another command's flag, or is declared
// where only another command runs.
func (sc *scan) elsewhereSlot(s *slot) bool {
	if len(s.cmds) > 0 {
		for _, c := range s.cmds {
			if !sc.otherCommand(c) {
				return false
			}
		}
		return true
	}
	return sc.elsewhere(s.at)
}

// settings are the environment variables the program reads.
func (sc *scan) settings() []model.Setting {
	var out []model.Setting
	seen := map[string]bool{}
	fileVariants := map[string]bool{}
	for _, s := range sc.t.all {
		if s.parent == nil && s.fileEnv != "" {
			fileVariants[s.fileEnv] = true
		}
	}
	for _, s := range sc.t.all {
		if s.parent != nil || sc.elsewhereSlot(s) {
			continue
		}
		var names []string
		for _, e := range s.envs {
			if ident.EnvName(e) && !fileVariants[e] {
				names = append(names, e)
			}
		}
		if len(names) == 0 || seen[names[0]] {
			continue
		}
		seen[names[0]] = true
		st := model.Setting{Name: names[0], Required: s.required, Flag: firstFlag(s), At: sc.pos(s.at)}
		if len(names) > 1 {
			st.Alternatives = names[1:]
		}
		if s.hasDef {
			st.Default = s.def
		}
		if ident.EnvName(s.fileEnv) {
			st.FileEnv = s.fileEnv
		}
		st.Secret = secretName(splitWords(names[0]))
		if _, ok := sc.t.byEnv[names[0]+"_FILE"]; ok && st.FileEnv == "" {
			st.FileEnv = names[0] + "_FILE"
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b model.Setting) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// secretName: a password, token, key or a database URL with credentials.
func secretName(words []string) bool {
	last := ""
	for i, w := range words {
		switch w {
		case "password", "passwd", "pass", "secret", "token", "dsn", "credentials", "apikey":
			return true
		case "key":
			if i == len(words)-1 || !slices.Contains([]string{"path", "file", "dir", "type", "name", "id"}, words[i+1]) {
				return true
			}
		case "url", "uri":
			if slices.Contains([]string{"database", "db", "postgres", "mysql", "redis", "dsn"}, last) {
				return true
			}
		}
		last = w
	}
	return false
}

// isConfigSlot: a flag or variable naming the configuration file:
// --config, --config.file, APP_CONFIG_FILE, CONFIG_LOCATION (after the
// prefix most of the program's variables share).
func (sc *scan) isConfigSlot(s *slot) bool {
	for _, f := range s.flags {
		if configName(splitWords(f)) {
			return true
		}
	}
	for _, e := range s.envs {
		w := splitWords(e)
		for i := 0; i <= len(sc.envPrefix) && i < len(w); i++ {
			if slices.Equal(w[:i], sc.envPrefix[:i]) && configName(w[i:]) {
				return true
			}
		}
	}
	return false
}

func configName(w []string) bool {
	isConf := func(s string) bool { return s == "config" || s == "conf" || s == "cfg" || s == "configfile" }
	switch {
	case len(w) == 1:
		return isConf(w[0])
	case len(w) == 2 && isConf(w[0]):
		switch w[1] {
		case "file", "path", "location", "filename":
			return true
		}
	}
	return false
}

// commonEnvPrefix is the longest run of leading words that at least half
// of the program's environment variables share: ["soft", "serve"] for
// SOFT_SERVE_*.
func (sc *scan) commonEnvPrefix() []string {
	var names [][]string
	for name := range sc.t.byEnv {
		names = append(names, splitWords(name))
	}
	var prefix []string
	for n := 1; n <= 3; n++ {
		count := map[string]int{}
		for _, w := range names {
			if len(w) > n {
				count[strings.Join(w[:n], "_")]++
			}
		}
		best, bestN := "", 0
		for p, c := range count {
			if c > bestN || c == bestN && p < best {
				best, bestN = p, c
			}
		}
		if len(names) < 2 || bestN*2 < len(names) {
			break
		}
		prefix = strings.Split(best, "_")
	}
	return prefix
}

// configFile is how the program is given its configuration file.
func (sc *scan) configFile() *model.ConfigFile {
	var cf *model.ConfigFile
	var cfgSlots []*slot
	for _, s := range sc.t.all {
		if s.parent != nil || !sc.isConfigSlot(s) || sc.elsewhereSlot(s) {
			continue
		}
		cfgSlots = append(cfgSlots, s)
		if cf == nil {
			cf = &model.ConfigFile{At: sc.pos(s.at)}
		}
		if cf.Flag == "" {
			cf.Flag = firstFlag(s)
		}
		if cf.Env == "" {
			cf.Env = firstEnv(s)
		}
		if cf.Default == "" && s.hasDef && !s.intDef {
			cf.Default = s.def
		}
		cf.Required = cf.Required || s.required || slices.Contains(sc.configExited, s)
	}
	positional := false
	if cf == nil {
		at, ok := sc.positionalConfig()
		if !ok {
			return nil
		}
		// dex serve config.yaml: the program takes the path as its argument.
		cf, positional = &model.ConfigFile{Positional: true, Required: true, At: sc.pos(at)}, true
	}
	best := -1
	for i, f := range sc.formats {
		// A decoder counts where the path of the file is used: in the
		// function that decodes, or passed to it.
		body := sc.enclosing(f.at)
		if f.rank >= 2 && !positional && !sc.touches(body, cfgSlots) {
			continue
		}
		if positional && !readsFile(body) {
			continue
		}
		if f.name == "json" && !readsFile(body) {
			continue // JSON is everywhere; a configuration is read from a file
		}
		if best < 0 || f.rank < sc.formats[best].rank {
			best = i
		}
	}
	if best >= 0 {
		switch f := sc.formats[best].name; f {
		case "toml", "json", "yaml":
			cf.Format = f
		}
	} else {
		switch strings.TrimPrefix(path.Ext(cf.Default), ".") {
		case "toml":
			cf.Format = "toml"
		case "yaml", "yml":
			cf.Format = "yaml"
		case "json":
			cf.Format = "json"
		}
	}
	cf.RequiredKeys = sc.requiredKeys()
	cf.Keys = sc.fileKeys()
	return cf
}

// requiredKeys are the keys of the configuration file the program stops
// without: values only the file sets (no variable, no flag) that a check
// ends the program on when empty.
func (sc *scan) requiredKeys() []string {
	var keys []string
	for _, s := range sc.t.all {
		if s.parent != nil || !s.required || sc.elsewhereSlot(s) || len(s.keys) == 0 || len(s.envs)+len(s.flags) > 0 {
			continue
		}
		if ident.ConfigKey(s.keys[0]) {
			keys = append(keys, s.keys[0])
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// fileKeys are the keys of the configuration file the program gives a
// default, typed by the variables and fields that hold them (else by the
// default, as viper.SetDefault's), sorted. A key under a section held by
// a pointer is left out: writing it would turn the section on.
func (sc *scan) fileKeys() []model.ConfigKey {
	byKey := map[string]model.ConfigKey{} // by the lower-case key
	for _, s := range sc.t.all {
		if s.parent != nil || sc.elsewhereSlot(s) || len(s.keys) == 0 {
			continue
		}
		kt := s.declType
		if kt == "" {
			kt = s.defType
			if !s.hasDef && s.hasList {
				kt = model.KeyStrings
			}
		}
		var def string
		var at token.Pos
		var from origin
		switch kt {
		case "", noKeyType:
			continue
		case model.KeyStrings:
			if !s.hasList {
				continue
			}
			data, err := json.Marshal(s.list)
			if err != nil {
				continue
			}
			def, at, from = string(data), s.listAt, s.listFrom
		default:
			d, ok := kt.Canonical(s.def)
			if !s.hasDef || !ok {
				continue
			}
			def, at, from = d, s.at, s.defFrom
		}
		for _, k := range s.keys {
			lk := strings.ToLower(k)
			if _, dup := byKey[lk]; dup || !ident.ConfigKey(k) || sc.inOptionalSection(lk) || !sc.keysOwn(from, lk) {
				continue
			}
			if from.at.IsValid() {
				at = from.at
			}
			byKey[lk] = model.ConfigKey{Key: k, Type: kt, Default: def, At: sc.pos(at)}
		}
	}
	var out []model.ConfigKey
	for lk, ck := range byKey {
		section := false
		for other := range byKey {
			section = section || strings.HasPrefix(other, lk+".")
		}
		if !section {
			out = append(out, ck)
		}
	}
	slices.SortFunc(out, func(a, b model.ConfigKey) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// keysOwn: a default written for the key lk, or for a field that holds
// it (a field of a struct literal built apart holds the keys of every
// section of its type: it must be one).
func (sc *scan) keysOwn(o origin, lk string) bool {
	switch {
	case o.key != "" || o.obj.obj == nil:
		return o.key == lk
	case slices.Contains(sc.keyFields[o.obj], lk):
		return true
	case o.obj.parent == nil:
		var keys []string
		for fk, ks := range sc.keyFields {
			if fk.obj == o.obj.obj {
				keys = append(keys, ks...)
			}
		}
		return len(keys) == 1 && keys[0] == lk
	}
	return false
}

func (sc *scan) inOptionalSection(lk string) bool {
	for _, p := range sc.optionalSections {
		if strings.HasPrefix(lk, p) {
			return true
		}
	}
	return false
}

// defaultsWhenEmpty reads defaults the program gives a value it found
// empty: `if c.Listen == "" { c.Listen = "127.0.0.1:8420" }`.
func (sc *scan) defaultsWhenEmpty() {
	sc.walk(func(ff fileFunc, n ast.Node) bool {
		is, ok := n.(*ast.IfStmt)
		if !ok || is.Else != nil || is.Body == nil || len(is.Body.List) != 1 {
			return true
		}
		x := emptyTest(is.Cond)
		as, ok := is.Body.List[0].(*ast.AssignStmt)
		if x == nil || !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 ||
			types.ExprString(as.Lhs[0]) != types.ExprString(x) {
			return true
		}
		def, ok := sc.str(as.Rhs[0])
		if !ok {
			return true
		}
		if v := sc.eval(x, 0); v.s != nil && v.s.setDefString(def, as.Rhs[0].Pos()) {
			if o, ok := keyOf(sc.info, x); ok {
				v.s.find().defFrom = origin{obj: o}
			}
		}
		return true
	})
}

// positionalConfig finds a configuration path taken from the command line's
// arguments: `options.config = args[0]` (cobra), `cfgPath := flag.Arg(0)`,
// `configFile = os.Args[1]`, `c.Args().First()` (urfave), assigned to a
// name that says it is a configuration.
func (sc *scan) positionalConfig() (token.Pos, bool) {
	var at token.Pos
	sc.walk(func(ff fileFunc, n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || at.IsValid() || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return !at.IsValid()
		}
		name := ""
		switch l := as.Lhs[0].(type) {
		case *ast.Ident:
			name = l.Name
		case *ast.SelectorExpr:
			name = l.Sel.Name
		}
		if !configLike(name) || !firstArgument(as.Rhs[0]) {
			return true
		}
		at = as.Pos()
		return false
	})
	return at, at.IsValid()
}

func configLike(name string) bool {
	switch strings.ToLower(name) {
	case "config", "configfile", "configpath", "cfgfile", "cfgpath", "conffile", "configfilename":
		return true
	}
	return false
}

// firstArgument: args[0], os.Args[1], flag.Arg(0), c.Args().First(),
// c.Args().Get(0).
func firstArgument(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.IndexExpr:
		lit, ok := x.Index.(*ast.BasicLit)
		if !ok {
			return false
		}
		switch a := x.X.(type) {
		case *ast.Ident:
			return a.Name == "args" && lit.Value == "0"
		case *ast.SelectorExpr:
			id, ok := a.X.(*ast.Ident)
			return ok && id.Name == "os" && a.Sel.Name == "Args" && lit.Value == "1"
		}
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == "flag" && sel.Sel.Name == "Arg" && len(x.Args) == 1 {
			lit, ok := x.Args[0].(*ast.BasicLit)
			return ok && lit.Value == "0"
		}
		if inner, ok := sel.X.(*ast.CallExpr); ok && funcName(inner.Fun) == "Args" {
			return sel.Sel.Name == "First" || sel.Sel.Name == "Get" && len(x.Args) == 1
		}
	}
	return false
}

// enclosing is the innermost function body around pos.
func (sc *scan) enclosing(pos token.Pos) *ast.BlockStmt {
	var best *ast.BlockStmt
	for _, b := range sc.bodies {
		if b.body.Pos() <= pos && pos < b.body.End() && (best == nil || b.body.Pos() > best.Pos()) {
			best = b.body
		}
	}
	return best
}

// touches: the body reads one of the slots, or a parameter its callers
// fill from one.
func (sc *scan) touches(body *ast.BlockStmt, slots []*slot) bool {
	if body == nil {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		e, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		switch e.(type) {
		case *ast.Ident, *ast.SelectorExpr:
			if v := sc.eval(e, 0); v.s != nil && slices.Contains(slots, v.s.find()) {
				found = true
			}
		}
		return !found
	})
	return found
}

// readsFile: the body opens or reads a file.
func readsFile(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			switch funcName(c.Fun) {
			case "ReadFile", "Open", "OpenFile":
				found = true
			}
		}
		return !found
	})
	return found
}
