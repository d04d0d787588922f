package model

// Surface is what a program offers and needs at run time, as far as its
// source shows it: the sockets it listens on, the subcommand that serves,
// the settings it reads and the health route. Both languages' analysers
// fill it; what they cannot read stays empty and is reported in Unknown,
// never guessed.
type Surface struct {
	Listeners []Listener
	// Subcommand is the argv after the binary that runs the server, e.g.
	// ["serve"]; empty when the binary serves by itself.
	Subcommand []string
	// Settings are the environment variables the program reads, sorted
	// by name.
	Settings []Setting
	Health   Evidence // the HTTP health route, e.g. "/api/health"
	// Config is how the program is pointed at a configuration file; its
	// Format is left to the caller. Nil when none is seen.
	Config *ConfigFile
	// Unknown lists what the analyser saw but could not read, one line
	// each with file:line, for warnings.
	Unknown []string
}

// Evidence is a value found in the source and where.
type Evidence struct {
	Value string
	At    string // file:line
}

// Listener is one socket the program listens on.
type Listener struct {
	Name string // http, smtp, grpc, ldap, metrics, ...
	Host string // the default host, "" when the source gives none
	Port int    // the default port, 0 when the source gives none
	// How each part is set; at most one of each kind.
	PortEnv, HostEnv, AddrEnv    string // environment variables
	PortFlag, HostFlag, AddrFlag string // command-line flags, with dashes
	// Fixed: the source hard-codes the address (a literal at At).
	Fixed bool
	At    string // where the default or the literal is
}

// Setting is an environment variable the program reads.
type Setting struct {
	Name    string
	Default string // "" when none
	// Required: the program stops without it (expect, unwrap, ?, a fatal
	// log on empty). Alternatives are other variables that satisfy it.
	Required     bool
	Alternatives []string
	Secret       bool   // the value is a password, token, key or a URL with credentials
	Flag         string // the command-line flag that sets it too, if any
	At           string
}
