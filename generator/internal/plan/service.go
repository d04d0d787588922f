package plan

import (
	"fmt"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// DefaultPort is the port a service gets when its source names none.
const DefaultPort = 8080

// service completes (or drops) the detected service. It returns the
// warnings about what the module cannot control.
func service(p *model.Project, mode choices.ServiceMode, port int) ([]string, error) {
	if mode == choices.ServiceOff || (mode == choices.ServiceAuto && !p.Server) || p.Default == "" {
		if port != 0 && mode != choices.ServiceOff {
			return nil, diag.Inputf("--port %d: %s does not look like a network service, so nixgen writes no NixOS module; pass --service to write one", port, p.Name)
		}
		p.Service = nil
		return nil, nil
	}
	s := p.Service
	if s == nil {
		s = &model.Service{}
	}
	s.Name = p.Name
	s.Description = p.Description
	s.Program = p.Package(p.Default).MainProgram
	if p.Surface != nil {
		s.Subcommand = p.Surface.Subcommand
	}
	var warnings []string
	switch {
	case port != 0 && s.PortFixed && port != s.Port:
		return nil, diag.Inputf("--port %d: %s listens on port %d, fixed in the source at %s; change the code, or drop --port", port, p.Name, s.Port, s.FixedAt)
	case port != 0 && !s.PortFixed:
		if port < 1 || port > 65535 {
			return nil, diag.Inputf("--port %d: want a port from 1 to 65535", port)
		}
		s.Port, s.PortSource = port, "--port"
	case s.Port == 0:
		s.Port, s.PortSource = DefaultPort, "nixgen's default"
	}
	if s.Address == "" || (s.AddressConfigurable() && !s.AddressFixed) {
		// Behind a reverse proxy, loopback is the safe default.
		if s.AddressConfigurable() {
			s.Address = "127.0.0.1"
		} else if s.Address == "" {
			s.Address = "0.0.0.0"
		}
	}
	switch {
	case s.PortFixed:
		warnings = append(warnings, fmt.Sprintf("%s hard-codes the address %s:%d; services.%s.port and listenAddress are read-only (read them from PORT and HOST to make them settable)",
			s.FixedAt, s.Address, s.Port, s.Name))
	case !s.PortConfigurable():
		warnings = append(warnings, fmt.Sprintf("found no way to set %s's port (a PORT or *_ADDR environment variable, a --port or --listen flag); services.%s.port documents %d read-only: check it",
			p.Name, s.Name, s.Port))
	}
	if !s.PortFixed && !s.AddressConfigurable() {
		if s.AddressFixed {
			warnings = append(warnings, fmt.Sprintf("%s hard-codes the listen address %s; services.%s.listenAddress is read-only", s.FixedAt, s.Address, s.Name))
		} else if s.PortConfigurable() {
			warnings = append(warnings, fmt.Sprintf("found no way to set %s's listen address (a HOST or *_ADDR variable, a --host or --listen flag); services.%s.listenAddress documents %s read-only",
				p.Name, s.Name, s.Address))
		}
	}
	p.Service = s
	return warnings, nil
}
