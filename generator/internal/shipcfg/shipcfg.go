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
		for _, base := range []string{"config", name, "config.example", name + ".example", "example"} {
			out = append(out, base+"."+e)
		}
	}
	return out
}

// Fill gives listeners without a port the values the shipped file has for
// their keys. dirs are where to look, relative to the project root (the
// crate or command, then the root); name is the program's. It returns the
// file it read, "" when none.
func Fill(fsys fs.FS, dirs []string, name string, sf *model.Surface) (string, error) {
	c := sf.Config
	if c == nil || c.Format == "" || !needs(sf.Listeners) {
		return "", nil
	}
	var tried []string
	if c.Default != "" && !path.IsAbs(c.Default) {
		for _, d := range dirs {
			tried = append(tried, path.Join(d, c.Default))
		}
	}
	for _, d := range dirs {
		for _, f := range candidates(c.Format, name) {
			tried = append(tried, path.Join(d, f))
		}
	}
	for _, p := range tried {
		data, err := projfs.ReadFile(fsys, p)
		if err != nil {
			continue // absent, or not a file nixgen reads
		}
		var doc map[string]any
		if err := decode(c.Format, data, &doc); err != nil {
			return "", fmt.Errorf("%s: %v", p, err)
		}
		for i := range sf.Listeners {
			fill(&sf.Listeners[i], doc, p)
		}
		return p, nil
	}
	return "", nil
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

// fill sets l's port and host from the file's values for its keys.
func fill(l *model.Listener, doc map[string]any, file string) {
	if l.Port != 0 {
		return
	}
	if v, ok := lookup(doc, l.AddrKey); ok {
		host, port, err := net.SplitHostPort(v)
		if n, ok := ident.Port(port); err == nil && ok && ident.ListenHost(host) {
			l.Host, l.Port, l.At = host, n, file+": "+l.AddrKey
		}
		return
	}
	if v, ok := lookup(doc, l.PortKey); ok {
		if n, ok := ident.Port(v); ok {
			l.Port, l.At = n, file+": "+l.PortKey
		}
		if h, ok := lookup(doc, l.HostKey); ok && ident.ListenHost(h) {
			l.Host = h
		}
	}
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
