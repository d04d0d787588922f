// Package hardening is the one list of systemd sandboxing directives nixgen
// applies to a service, shared by the NixOS module and the plain unit so
// both meet the same bar (see ../shared/reference/nixos-module.md).
package hardening

// Directive is one systemd.exec(5) setting. Values are in systemd's own
// syntax; a directive with several Values is written once per value (the
// NixOS module renders them as a list).
type Directive struct {
	Key    string
	Values []string
	// Knob names the services.<name>.hardening option that controls it in
	// the NixOS module, "" when it is fixed.
	Knob string
	Why  string // a short comment for the generated file, "" for none
}

// Baseline is safe for ordinary Rust and Go network servers. Capabilities,
// PrivateUsers, address families and the system call filter depend on the
// port and the knobs, so they are not here; see Capabilities and Filters.
var Baseline = []Directive{
	{Key: "NoNewPrivileges", Values: []string{"true"}},
	{Key: "ProtectSystem", Values: []string{"strict"}},
	{Key: "ProtectHome", Values: []string{"true"}},
	{Key: "PrivateTmp", Values: []string{"true"}},
	{Key: "PrivateDevices", Values: []string{"true"}},
	{Key: "DevicePolicy", Values: []string{"closed"}},
	{Key: "PrivateMounts", Values: []string{"true"}},
	{Key: "ProtectKernelTunables", Values: []string{"true"}},
	{Key: "ProtectKernelModules", Values: []string{"true"}},
	{Key: "ProtectKernelLogs", Values: []string{"true"}},
	{Key: "ProtectControlGroups", Values: []string{"true"}},
	{Key: "ProtectClock", Values: []string{"true"}},
	{Key: "ProtectHostname", Values: []string{"true"}},
	{Key: "ProtectProc", Values: []string{"invisible"}},
	{Key: "ProcSubset", Values: []string{"pid"}, Knob: "procSubset", Why: "hides /proc/meminfo, /proc/stat, /proc/net: set to \"all\" for apps that report host metrics"},
	{Key: "RestrictNamespaces", Values: []string{"true"}},
	{Key: "RestrictRealtime", Values: []string{"true"}},
	{Key: "RestrictSUIDSGID", Values: []string{"true"}},
	{Key: "LockPersonality", Values: []string{"true"}},
	{Key: "RemoveIPC", Values: []string{"true"}},
	{Key: "MemoryDenyWriteExecute", Values: []string{"true"}, Knob: "memoryDenyWriteExecute", Why: "breaks JIT compilers; fine for Rust and Go"},
	{Key: "SystemCallArchitectures", Values: []string{"native"}},
	{Key: "UMask", Values: []string{"0077"}},
}

// AddressFamilies are the socket families a network server needs.
var AddressFamilies = []string{"AF_UNIX", "AF_INET", "AF_INET6"}

// SystemCallFilter allows what services need and denies privileged calls.
// Never "~@resources": Go's runtime calls setrlimit at start and is killed
// with SIGSYS (nixpkgs#199778).
var SystemCallFilter = []string{"@system-service", "~@privileged"}

// LowPort is the first port that needs no capability to bind.
const LowPort = 1024

// Capabilities returns the capability bounding and ambient sets and
// whether PrivateUsers may be on, for a service listening on port.
// Below 1024 it needs CAP_NET_BIND_SERVICE, and PrivateUsers would drop
// every host capability, so it must be off.
func Capabilities(port int) (bounding, ambient []string, privateUsers bool) {
	if port > 0 && port < LowPort {
		return []string{"CAP_NET_BIND_SERVICE"}, []string{"CAP_NET_BIND_SERVICE"}, false
	}
	return []string{""}, nil, true
}
