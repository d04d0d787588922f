package model

// Surface is what a program offers and needs at run time, as far as its
// source shows it: the sockets it listens on, the subcommand that serves,
// the settings it reads and the health route. Both languages' analysers
// fill it; what they cannot read stays empty and is reported in Unknown,
// never guessed.
type Surface struct {
	Listeners []Listener `json:"listeners,omitempty"`
	// Subcommand is the argv after the binary that runs the server, e.g.
	// ["serve"]; empty when the binary serves by itself.
	Subcommand []string `json:"subcommand,omitempty"`
	// Settings are the environment variables the program reads, sorted
	// by name.
	Settings []Setting `json:"settings,omitempty"`
	Health   Evidence  `json:"health,omitempty"` // the HTTP health route, e.g. "/api/health"
	// Config is how the program is pointed at a configuration file; its
	// Format is left to the caller. Nil when none is seen.
	Config *ConfigFile `json:"config,omitempty"`
	// Unknown lists what the analyser saw but could not read, one line
	// each with file:line, for warnings.
	Unknown []string `json:"unknown,omitempty"`
}

// ServeVerbs name the subcommands that run a server, most likely first.
var ServeVerbs = []string{"serve", "server", "run", "start", "daemon", "web", "listen", "up"}

// Evidence is a value found in the source and where.
type Evidence struct {
	Value string `json:"value,omitempty"`
	At    string `json:"at,omitempty"` // file:line
}

// Listener is one socket the program listens on.
type Listener struct {
	Name string `json:"name"`           // http, smtp, grpc, ldap, metrics, ...
	Host string `json:"host,omitempty"` // the default host, "" when the source gives none
	Port int    `json:"port,omitempty"` // the default port, 0 when the source gives none
	// How each part is set; at most one of each kind: environment
	// variables, and command-line flags with their dashes.
	PortEnv  string `json:"port_env,omitempty"`
	HostEnv  string `json:"host_env,omitempty"`
	AddrEnv  string `json:"addr_env,omitempty"`
	PortFlag string `json:"port_flag,omitempty"`
	HostFlag string `json:"host_flag,omitempty"`
	AddrFlag string `json:"addr_flag,omitempty"`
	// Keys of the configuration file (Surface.Config) that set it, as a
	// dotted path from the top of the file, e.g. "server.address".
	PortKey string `json:"port_key,omitempty"`
	HostKey string `json:"host_key,omitempty"`
	AddrKey string `json:"addr_key,omitempty"`
	// Fixed: the source hard-codes the address (a literal at At).
	Fixed bool   `json:"fixed,omitempty"`
	At    string `json:"at,omitempty"` // where the default or the literal is
}

// Setting is an environment variable the program reads.
type Setting struct {
	Name    string `json:"name"`
	Default string `json:"default,omitempty"`
	// Required: the program stops without it (expect, unwrap, ?, a fatal
	// log on empty). Alternatives are other variables that satisfy it.
	Required     bool     `json:"required,omitempty"`
	Alternatives []string `json:"alternatives,omitempty"`
	// Secret: the value is a password, token, key or a URL with credentials.
	Secret bool   `json:"secret,omitempty"`
	Flag   string `json:"flag,omitempty"` // the command-line flag that sets it too, if any
	// FileEnv names the variable holding a path the program reads the
	// value from instead (NAME_FILE), "" when it reads none.
	FileEnv string `json:"file_env,omitempty"`
	At      string `json:"at,omitempty"`
}
