package gomod

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// slot is one value the program lets its user set: a variable or struct
// field, a flag, an environment variable or a configuration key, merged
// when the source ties them together (flag.StringVar(&cfg.Addr, ...),
// cfg.Addr = os.Getenv("ADDR"), viper.BindEnv("addr", "ADDR"), a struct
// tag, ...).
type slot struct {
	parent *slot // set when merged into another slot
	names  []string
	envs   []string
	flags  []string // with their dashes
	keys   []string // dotted configuration keys, as the file spells them
	def    string
	hasDef bool
	intDef bool      // the default is an integer
	at     token.Pos // where the default, else the first setter, is
	// list is a []string default, kept apart from def (a variable's
	// default is text); hasList when there is one.
	list    []string
	hasList bool
	listAt  token.Pos
	// declType is the key type of the variables and fields the slot
	// holds (noKeyType when they have another type, or types that
	// disagree); defType is the type of the default, as
	// viper.SetDefault's value, for a slot that holds none. defFrom and
	// listFrom say whose defaults def and list are.
	declType model.KeyType
	defType  model.KeyType
	defFrom  origin
	listFrom origin
	required bool
	fileEnv  string
	seq      int
	cmds     []string // the cobra commands whose flags set it
}

func (s *slot) find() *slot {
	for s.parent != nil {
		s = s.parent
	}
	return s
}

// slots is the table of a program's settable values.
type slots struct {
	all     []*slot
	byObj   map[objKey]*slot
	byField map[types.Object][]objKey // the keys of each field, for lookups without a parent
	byEnv   map[string]*slot
	byFlag  map[string]*slot // flag name without dashes
	byKey   map[string]*slot // lower-case dotted key
	// exactKeys are the keys spelled by a struct tag, which the file
	// must spell so (yaml.v3 and encoding/json's exact decoders and
	// koanf match keys by case), lower-cased.
	exactKeys map[string]bool
}

// noKeyType is the declType of a slot that holds a type no key type
// maps: a duration, a pointer, a map, a type of another package.
const noKeyType model.KeyType = "-"

func newSlots() *slots {
	return &slots{byObj: map[objKey]*slot{}, byField: map[types.Object][]objKey{}, byEnv: map[string]*slot{}, byFlag: map[string]*slot{}, byKey: map[string]*slot{}, exactKeys: map[string]bool{}}
}

func (t *slots) add(at token.Pos) *slot {
	s := &slot{at: at, seq: len(t.all)}
	t.all = append(t.all, s)
	return s
}

// objKey is a variable, or a struct field with the field that holds
// its struct when known: cfg.SSH.Addr and cfg.HTTP.Addr are two values
// of one field.
type objKey struct {
	parent, obj types.Object
}

// obj is the slot of exactly k, made when missing.
func (t *slots) obj(k objKey) *slot {
	if s, ok := t.byObj[k]; ok {
		return s.find()
	}
	s := t.add(k.obj.Pos())
	s.names = append(s.names, k.obj.Name())
	s.declType = keyType(k.obj.Type())
	t.byObj[k] = s
	t.byField[k.obj] = append(t.byField[k.obj], k)
	return s
}

// lookupObj finds k's slot: exactly, else the field's slot without a
// parent, else, without a parent, the field's only slot.
func (t *slots) lookupObj(k objKey) (*slot, bool) {
	if s, ok := t.byObj[k]; ok {
		return s.find(), true
	}
	if k.parent != nil {
		if s, ok := t.byObj[objKey{nil, k.obj}]; ok {
			return s.find(), true
		}
		return nil, false
	}
	if keys := t.byField[k.obj]; len(keys) == 1 {
		return t.byObj[keys[0]].find(), true
	}
	return nil, false
}

func (t *slots) env(name string, at token.Pos) *slot {
	if s, ok := t.byEnv[name]; ok {
		return s.find()
	}
	s := t.add(at)
	s.envs = append(s.envs, name)
	t.byEnv[name] = s
	return s
}

func (t *slots) flag(name, dashes string, at token.Pos) *slot {
	if s, ok := t.byFlag[name]; ok {
		return s.find()
	}
	s := t.add(at)
	s.flags = append(s.flags, dashes+name)
	t.byFlag[name] = s
	return s
}

// key is the slot of a configuration key as the program names it to
// viper or koanf; keys match without regard to case (viper ignores it).
func (t *slots) key(k string, at token.Pos) *slot {
	if s, ok := t.byKey[strings.ToLower(k)]; ok {
		return s.find()
	}
	s := t.add(at)
	s.keys = append(s.keys, k)
	t.byKey[strings.ToLower(k)] = s
	return s
}

func (t *slots) lookupFlag(name string) *slot {
	if s, ok := t.byFlag[name]; ok {
		return s.find()
	}
	return nil
}

// addEnv ties an environment variable to s.
func (t *slots) addEnv(s *slot, name string, at token.Pos) *slot {
	if o, ok := t.byEnv[name]; ok {
		return t.merge(s, o)
	}
	s = s.find()
	s.envs = appendNew(s.envs, name)
	t.byEnv[name] = s
	return s
}

// addKey ties a configuration key to s. exact: a struct tag spells it,
// and the file must spell it so.
func (t *slots) addKey(s *slot, k string, exact bool) *slot {
	lk := strings.ToLower(k)
	if exact {
		t.exactKeys[lk] = true
	}
	if o, ok := t.byKey[lk]; ok {
		s = t.merge(s, o)
	} else {
		s = s.find()
		t.byKey[lk] = s
	}
	s.keys = appendKey(s.keys, k, exact)
	return s
}

// appendKey adds a key unless the list has it in any case; a key spelled
// exactly replaces another spelling.
func appendKey(keys []string, k string, exact bool) []string {
	for i, o := range keys {
		if strings.EqualFold(o, k) {
			if exact {
				keys[i] = k
			}
			return keys
		}
	}
	return append(keys, k)
}

// merge makes a and b one slot; the older one keeps its default.
func (t *slots) merge(a, b *slot) *slot {
	a, b = a.find(), b.find()
	if a == b {
		return a
	}
	if b.seq < a.seq {
		a, b = b, a
	}
	b.parent = a
	for _, n := range b.names {
		a.names = appendNew(a.names, n)
	}
	for _, n := range b.envs {
		a.envs = appendNew(a.envs, n)
	}
	for _, n := range b.flags {
		a.flags = appendNew(a.flags, n)
	}
	for _, n := range b.keys {
		a.keys = appendKey(a.keys, n, t.exactKeys[strings.ToLower(n)])
	}
	switch {
	case !a.hasDef && b.hasDef:
		a.def, a.hasDef, a.intDef, a.at, a.defType, a.defFrom = b.def, true, b.intDef, b.at, b.defType, b.defFrom
	case a.hasDef && b.hasDef && a.def == b.def && (a.defFrom == origin{} || b.defFrom.key != ""):
		// The same default (a flag's and viper.SetDefault's): the
		// key's, of its type.
		a.defType, a.defFrom = b.defType, b.defFrom
	}
	if !a.hasList && b.hasList {
		a.list, a.hasList, a.listAt, a.listFrom = b.list, true, b.listAt, b.listFrom
	}
	switch {
	case a.declType == "":
		a.declType = b.declType
	case b.declType != "" && b.declType != a.declType:
		a.declType = noKeyType
	}
	a.required = a.required || b.required
	for _, c := range b.cmds {
		a.cmds = appendNew(a.cmds, c)
	}
	if a.fileEnv == "" {
		a.fileEnv = b.fileEnv
	}
	return a
}

// setDef records a default unless one is known; it reports whether it
// did.
func (s *slot) setDef(v constant.Value, at token.Pos) bool {
	s = s.find()
	if s.hasDef || v == nil {
		return false
	}
	switch v.Kind() {
	case constant.String:
		s.def, s.hasDef, s.at = constant.StringVal(v), true, at
	case constant.Int:
		s.def, s.hasDef, s.intDef, s.at = v.ExactString(), true, true, at
	case constant.Bool:
		s.def, s.hasDef, s.at = v.ExactString(), true, at
	case constant.Float:
		// ExactString writes 0.1 as 1/10.
		f, _ := constant.Float64Val(v)
		s.def, s.hasDef, s.at = strconv.FormatFloat(f, 'f', -1, 64), true, at
	}
	return s.hasDef
}

// setKeyDef records the default a configuration key is given itself,
// with its Go type: viper.SetDefault("port", 8080) makes the key an int.
func (s *slot) setKeyDef(key string, v constant.Value, t types.Type, at token.Pos) {
	if s.setDef(v, at) {
		s = s.find()
		s.defType, s.defFrom = keyType(t), origin{key: strings.ToLower(key), at: at}
	}
}

// setList records a []string default unless one is known.
func (s *slot) setList(list []string, at token.Pos, from origin) {
	s = s.find()
	if !s.hasList {
		s.list, s.hasList, s.listAt, s.listFrom = list, true, at, from
	}
}

func (s *slot) setDefString(d string, at token.Pos) bool {
	s = s.find()
	if s.hasDef {
		return false
	}
	s.def, s.hasDef, s.at = d, true, at
	return true
}

// origin is what gave a slot its default: the field or variable it was
// written for, or the configuration key itself (lower case). A slot holds
// what assignments and calls tie together, which may be several keys; a
// key's default is one written for that key or for the field that holds
// it, not one of a flag, of another key or of another struct the value
// is copied to.
type origin struct {
	obj objKey
	key string
	at  token.Pos // where the key is given it
}

// words are the lower-case words of the slot's names, variables, flags
// and keys: "HTTPListenAddr" gives http, listen, addr.
func (s *slot) words() []string {
	var w []string
	for _, group := range [][]string{s.names, s.envs, s.flags, s.keys} {
		for _, n := range group {
			w = append(w, splitWords(n)...)
		}
	}
	return w
}

// splitWords splits an identifier, variable, flag or key into lower-case
// words at punctuation and case changes.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			flush()
			continue
		case r >= 'A' && r <= 'Z' && i > 0:
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z'
			if prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9' || (prev >= 'A' && prev <= 'Z' && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// keyOf is the variable or field an expression names, with the field
// that holds it: cfg.HTTP.Addr gives (HTTP, Addr).
func keyOf(info *types.Info, e ast.Expr) (objKey, bool) {
	o := objOf(info, e)
	if o == nil {
		return objKey{}, false
	}
	k := objKey{obj: o}
	if v, ok := o.(*types.Var); ok && v.IsField() {
		if sel, ok := unwrapRef(e).(*ast.SelectorExpr); ok {
			// The holder is a field or a package-level variable:
			// cfg.HTTP.Addr, config.Relay.Host.
			var id *ast.Ident
			switch px := unwrapRef(sel.X).(type) {
			case *ast.SelectorExpr:
				id = px.Sel
			case *ast.Ident:
				id = px
			}
			if id != nil {
				if pv, ok := info.Uses[id].(*types.Var); ok && (pv.IsField() || pv.Pkg() != nil && pv.Parent() == pv.Pkg().Scope()) {
					k.parent = pv
				}
			}
		}
	}
	return k, true
}

func unwrapRef(e ast.Expr) ast.Expr {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return x
			}
			e = x.X
		default:
			return x
		}
	}
}

// objOf is the variable or struct field an expression names, if any.
func objOf(info *types.Info, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.StarExpr:
		return objOf(info, e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return objOf(info, e.X)
		}
	case *ast.Ident:
		o := info.Uses[e]
		if o == nil {
			o = info.Defs[e]
		}
		if v, ok := o.(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if v, ok := info.Uses[e.Sel].(*types.Var); ok {
			return v
		}
	}
	return nil
}

// constOf is the constant value of an expression, nil when it has none.
func constOf(info *types.Info, e ast.Expr) constant.Value {
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return tv.Value
	}
	if lit, ok := ast.Unparen(e).(*ast.BasicLit); ok {
		return constant.MakeFromLiteral(lit.Value, lit.Kind, 0)
	}
	return nil
}

func constString(info *types.Info, e ast.Expr) (string, bool) {
	v := constOf(info, e)
	if v == nil || v.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(v), true
}

// keyType maps a Go type to the type of a configuration key that holds
// it; noKeyType for types whose value in the file is not plain: a
// time.Duration, a pointer, a map, a struct, a named type of another
// package or one that decodes itself.
func keyType(t types.Type) model.KeyType {
	if t == nil || !plainType(t) {
		return noKeyType
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return model.KeyBool
		case u.Info()&types.IsUnsigned != 0:
			if u.Kind() == types.Uintptr {
				return noKeyType
			}
			return model.KeyUnsigned
		case u.Info()&types.IsInteger != 0:
			return model.KeyInt
		case u.Info()&types.IsFloat != 0:
			return model.KeyFloat
		case u.Info()&types.IsString != 0:
			return model.KeyString
		}
	case *types.Slice:
		if e, ok := u.Elem().Underlying().(*types.Basic); ok && e.Kind() == types.String && plainType(u.Elem()) {
			return model.KeyStrings
		}
	}
	return noKeyType
}

// plainType: a type that is not named, or a named type outside the
// standard library (time.Duration decodes from "5s") that decodes as what
// it is made of: no UnmarshalText, UnmarshalYAML, Set...
func plainType(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return true
	}
	pkg := n.Obj().Pkg()
	if pkg == nil || !strings.Contains(strings.Split(pkg.Path(), "/")[0], ".") {
		return false
	}
	ms := types.NewMethodSet(types.NewPointer(n))
	for i := range ms.Len() {
		switch ms.At(i).Obj().Name() {
		case "UnmarshalText", "UnmarshalYAML", "UnmarshalJSON", "UnmarshalTOML", "Decode", "Set":
			return false
		}
	}
	return true
}
