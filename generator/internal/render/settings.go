package render

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// settingOption is a typed option of services.NAME.settings: one key of
// the configuration file, at Path (Nix attribute names) below settings.
type settingOption struct {
	Path               []string
	Type, Default, Doc string // Nix
}

// optionTree is the options attribute set of the settings submodule; the
// cursor lays it out as nested attribute sets.
type optionTree []settingOption

// settingOptions declares keys as typed options. Nullable: the file is
// written only when the user sets something, so each option defaults to
// null (left out of the file) and documents the program's own default;
// otherwise the file is always written and each option carries that
// default.
func settingOptions(keys []model.ConfigKey, file string, nullable bool) optionTree {
	var out optionTree
	for _, k := range keys {
		typ, def := keyType(k)
		var path []string
		for _, seg := range strings.Split(k.Key, ".") {
			path = append(path, escape.NixAttrName(seg))
		}
		shown := k.Default
		if k.Type == model.KeyString {
			shown = strconv.Quote(k.Default)
		}
		at := ""
		if k.At != "" {
			at = " (" + k.At + ")"
		}
		o := settingOption{Path: path, Type: typ, Default: def}
		if nullable {
			o.Type = "lib.types.nullOr " + typ
			if strings.Contains(typ, " ") {
				o.Type = "lib.types.nullOr (" + typ + ")"
			}
			o.Default = "null"
			o.Doc = escape.NixString(k.Key + " in " + file + "; null leaves it out, and the program's default applies: " + shown + at + ".")
		} else {
			o.Doc = escape.NixString(k.Key + " in " + file + ". The default is the program's own" + at + ".")
		}
		out = append(out, o)
	}
	return out
}

// keyType is the Nix type of a key and its default as a Nix value; plan
// has checked that the default is a value of the type.
func keyType(k model.ConfigKey) (string, string) {
	switch k.Type {
	case model.KeyInt:
		return "lib.types.int", k.Default
	case model.KeyUnsigned:
		return "lib.types.ints.unsigned", k.Default
	case model.KeyBool:
		return "lib.types.bool", k.Default
	case model.KeyFloat:
		f, _ := strconv.ParseFloat(k.Default, 64)
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return "lib.types.float", s
	case model.KeyStrings:
		var l []string
		_ = json.Unmarshal([]byte(k.Default), &l)
		return "lib.types.listOf lib.types.str", nixList{Items: nixStrings(l)}.layout(0, false)
	}
	return "lib.types.str", escape.NixString(k.Default)
}

// layout writes the tree as an attribute set whose closing brace is
// indented by indent: sections nest, each option is an lib.mkOption.
func (t optionTree) layout(indent int) string {
	var b strings.Builder
	b.WriteString("{\n")
	t.write(&b, indent+2, 0)
	b.WriteString(strings.Repeat(" ", indent) + "}")
	return b.String()
}

func (t optionTree) write(b *strings.Builder, indent, depth int) {
	pad := strings.Repeat(" ", indent)
	for i := 0; i < len(t); {
		o := t[i]
		if len(o.Path) == depth+1 {
			b.WriteString(pad + o.Path[depth] + " = lib.mkOption {\n")
			in := pad + "  "
			b.WriteString(in + "type = " + o.Type + ";\n")
			def := o.Default
			if strings.Contains(def, "\n") {
				def = strings.ReplaceAll(def, "\n", "\n"+in)
			}
			b.WriteString(in + "default = " + def + ";\n")
			b.WriteString(in + "description = " + o.Doc + ";\n")
			b.WriteString(pad + "};\n")
			i++
			continue
		}
		// A section: every option that shares this segment.
		j := i
		for j < len(t) && len(t[j].Path) > depth+1 && t[j].Path[depth] == o.Path[depth] {
			j++
		}
		b.WriteString(pad + o.Path[depth] + " = {\n")
		t[i:j].write(b, indent+2, depth+1)
		b.WriteString(pad + "};\n")
		i = j
	}
}
