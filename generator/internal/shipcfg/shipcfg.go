// Package shipcfg reads the configuration file a project ships, the one
// its program reads by default or an example of it, for the defaults of the
// keys that set its listeners: a program whose address lives only in its
// configuration file has no default in the source.
package shipcfg

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"path"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v4"

	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// candidates are the names tried in each directory after the program's
// own default path: the configuration file or its example, for a format.
func candidates(format, name string) []string {
	ext := []string{format}
	if format == "yaml" {
		ext = append(ext, "yml")
	}
	var out []string
	for _, e := range ext {
		for _, base := range []string{"config", name, "config.example", name + ".example", "example", "config-example", name + "-example", "config.sample", "config-sample"} {
			out = append(out, base+"."+e)
		}
		for _, suffix := range []string{"example", "sample", "dist"} {
			out = append(out, "config."+e+"."+suffix, name+"."+e+"."+suffix)
		}
		out = append(out, "config-dev."+e)
	}
	return out
}

// exampleDirs are where projects keep example configurations, below the
// directories Fill is given.
var exampleDirs = []string{"examples", "example", "config", "configs", "contrib"}

// Dirs is dir and the directories above it, up to the project root: where
// Fill looks for the file of the program built in dir.
func Dirs(dir string) []string {
	out := []string{dir}
	for dir != "." {
		dir = path.Dir(dir)
		out = append(out, dir)
	}
	return out
}

// Fill gives listeners without a port the values the shipped file has for
// their keys. dirs are where to look, relative to the project root (the
// crate or command, then the root, see Dirs), and then their example
// directories; name is the program's. It returns the file it read ("" when
// none) and a warning for each candidate it could not parse, which it
// passes over.
//
// When the program's code does not show the file's format (viper and
// koanf pick it by the file's extension), the format of the one example
// found decides it, and c.Format records it.
func Fill(fsys fs.FS, dirs []string, name string, sf *model.Surface) (string, []string) {
	c := sf.Config
	if c == nil || !needs(sf.Listeners) {
		return "", nil
	}
	if c.Format == "" {
		var found []string
		for _, format := range []string{"yaml", "toml", "json"} {
			if file := firstShipped(fsys, dirs, name, format); file != "" {
				found = append(found, format)
			}
		}
		if len(found) != 1 {
			return "", nil
		}
		c.Format = found[0]
	}
	var tried []string
	if c.Default != "" && !path.IsAbs(c.Default) {
		for _, d := range dirs {
			tried = append(tried, path.Join(d, c.Default))
		}
	}
	for _, d := range append(dirs, examplesOf(dirs)...) {
		for _, f := range candidates(c.Format, name) {
			tried = append(tried, path.Join(d, f))
		}
	}
	var used string
	var warnings []string
	for _, p := range tried {
		if !needs(sf.Listeners) {
			break
		}
		data, err := projfs.ReadFile(fsys, p)
		if err != nil {
			continue // absent, or not a file nixgen reads
		}
		var doc map[string]any
		if err := decode(c.Format, data, &doc); err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: not %s nixgen can read (%v); its listener addresses are not used", p, c.Format, err))
			continue
		}
		for i := range sf.Listeners {
			if fill(&sf.Listeners[i], doc, p) && used == "" {
				used = p
			}
		}
	}
	return used, warnings
}

// firstShipped is the first candidate file of format that exists, "" when
// none does.
func firstShipped(fsys fs.FS, dirs []string, name, format string) string {
	for _, d := range append(dirs, examplesOf(dirs)...) {
		for _, f := range candidates(format, name) {
			if _, err := fs.Stat(fsys, path.Join(d, f)); err == nil {
				return path.Join(d, f)
			}
		}
	}
	return ""
}

func examplesOf(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		for _, e := range exampleDirs {
			out = append(out, path.Join(d, e))
		}
	}
	return out
}

func needs(ls []model.Listener) bool {
	for _, l := range ls {
		if l.Port == 0 && l.PortKey+l.AddrKey != "" {
			return true
		}
	}
	return false
}

func decode(format string, data []byte, doc *map[string]any) error {
	switch format {
	case "toml":
		_, err := toml.Decode(string(data), doc)
		return err
	case "yaml":
		return yaml.Unmarshal(data, doc)
	case "json":
		return json.Unmarshal(data, doc)
	}
	return fmt.Errorf("format %q", format)
}

// fill sets l's port and host from the file's values for its keys, and
// reports whether it did.
func fill(l *model.Listener, doc map[string]any, file string) bool {
	if l.Port != 0 {
		return false
	}
	if v, ok := lookup(doc, l.AddrKey); ok {
		host, port, err := net.SplitHostPort(v)
		if n, ok := ident.Port(port); err == nil && ok && ident.ListenHost(host) {
			l.Host, l.Port, l.At = host, n, file+": "+l.AddrKey
			return true
		}
		return false
	}
	if v, ok := lookup(doc, l.PortKey); ok {
		if n, ok := ident.Port(v); ok {
			l.Port, l.At = n, file+": "+l.PortKey
			if h, ok := lookup(doc, l.HostKey); ok && ident.ListenHost(h) {
				l.Host = h
			}
			return true
		}
	}
	return false
}

// lookup reads a dotted key as a string ("" keys are never found).
func lookup(doc map[string]any, key string) (string, bool) {
	if key == "" {
		return "", false
	}
	var cur any = doc
	for _, k := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		if cur, ok = m[k]; !ok {
			return "", false
		}
	}
	switch v := cur.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int:
		return strconv.Itoa(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}
