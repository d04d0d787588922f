package rustsrc

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// Rocket's own defaults: it reads ROCKET_ADDRESS and ROCKET_PORT (and
// Rocket.toml) unless the program merges values of its own.
const (
	rocketHost = "127.0.0.1"
	rocketPort = "8000"
)

// collectRocket adds the listener Rocket opens when the crate uses it:
// on ROCKET_ADDRESS:ROCKET_PORT, or on what the program merges into
// Config::figment() as ("port", 8080).
func (a *analyzer) collectRocket() {
	used, at := false, ""
	for _, d := range a.opt.Deps {
		if d == "rocket" {
			used = true
		}
	}
	port := candidate{listener: "http", role: rolePort, env: "ROCKET_PORT", def: rocketPort}
	host := candidate{listener: "http", role: roleHost, env: "ROCKET_ADDRESS", def: rocketHost}
	for _, p := range a.files {
		p.walk(p.root, func(n *sitter.Node) bool {
			switch n.Type() {
			case "attribute_item":
				if t := strings.ReplaceAll(p.text(n), " ", ""); t == "#[launch]" || t == "#[rocket::launch]" || t == "#[rocket::main]" {
					used = true
					if at == "" {
						at = p.at(n)
					}
				}
			case "call_expression":
				f := strings.ReplaceAll(p.text(n.ChildByFieldName("function")), " ", "")
				switch {
				case f == "rocket::build" || f == "rocket::custom":
					used = true
					if at == "" {
						at = p.at(n)
					}
				case strings.HasSuffix(f, ".merge"):
					as := args(n)
					if len(as) != 1 || as[0].Type() != "tuple_expression" || as[0].NamedChildCount() != 2 || !strings.Contains(p.text(n), "figment") && !a.rocketChain(p, n) {
						return true
					}
					k, ok := a.str(p, as[0].NamedChild(0))
					if !ok {
						return true
					}
					var c *candidate
					switch k {
					case "port":
						c = &port
					case "address":
						c = &host
					default:
						return true
					}
					c.at = p.at(n)
					v := as[0].NamedChild(1)
					if s, ok := a.value(p, v); ok {
						c.def, c.env, c.fixed = s, "", true
					} else if f := a.fieldNamed(p, v); f != nil {
						c.def, c.env, c.key, c.fixed = f.def, f.env, f.key, false
					} else {
						a.unknown(p, n, "Rocket's "+k+" is set from an expression nixgen cannot read: "+oneLine(p.text(v)))
						c.def, c.env = "", ""
					}
				}
			}
			return true
		})
	}
	if !used {
		return
	}
	for _, c := range []*candidate{&port, &host} {
		if c.at == "" {
			c.at = at
		}
		if c.env != "" {
			a.addRead(envRead{name: c.env, def: c.def, hasDefault: true, at: c.at})
		}
	}
	a.rocket = []candidate{port, host}
}

// rocketChain reports whether a .merge(...) is on Rocket's configuration.
func (a *analyzer) rocketChain(p *parsed, n *sitter.Node) bool {
	return strings.Contains(strings.ReplaceAll(p.text(n), " ", ""), "Config::figment()")
}

// fieldNamed finds the configuration field a value reads: `cfg.port`.
func (a *analyzer) fieldNamed(p *parsed, n *sitter.Node) *confField {
	for depth := 0; n != nil && (n.Type() == "call_expression" || n.Type() == "reference_expression"); depth++ {
		if n.Type() == "reference_expression" {
			n = n.ChildByFieldName("value")
			continue
		}
		f := n.ChildByFieldName("function")
		if f == nil {
			return nil
		}
		if f.Type() != "field_expression" {
			// A getter of the program's own: fn get_port() -> u16 { cfg().port }
			fn, ok := a.fns[p.lastSegment(f)]
			if !ok || depth > 3 || len(args(n)) > 0 {
				return nil
			}
			body := fn.node.ChildByFieldName("body")
			if body == nil || body.NamedChildCount() == 0 {
				return nil
			}
			p, n = fn.p, body.NamedChild(int(body.NamedChildCount())-1)
			continue
		}
		n = f.ChildByFieldName("value")
	}
	if n == nil || n.Type() != "field_expression" {
		return nil
	}
	name := p.text(n.ChildByFieldName("field"))
	var found *confField
	for i := range a.fields {
		if a.fields[i].field == name {
			if found != nil {
				return nil
			}
			found = &a.fields[i]
		}
	}
	return found
}
