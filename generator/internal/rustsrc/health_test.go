package rustsrc

import "testing"

// Health checks a route call does not name: a handler comparing the path
// (against a literal or a constant without its slash), and a route held in
// a variable built from a literal. Test code does not count.
func TestHealthBeyondRoutes(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"compared with a constant", `
const HEALTH_PATH: &str = "__svc__/health";
async fn handle(req: Request) -> Response {
    let path = req.uri().path();
    if path.trim_start_matches('/') == HEALTH_PATH { return ok(); }
    files(req).await
}
`, "/__svc__/health"},
		{"compared with a literal", `
fn is_health(req: &Request) -> bool { req.uri().path() == "/healthz" }
`, "/healthz"},
		{"held in a variable", `
struct Routes { health: String }
fn routes(prefix: &str, random: bool) -> Routes {
    let health = if random { "/__internal/healthcheck".into() } else { format!("{}/{}", prefix, "internal") };
    Routes { health }
}
fn app(r: Routes) { App::new().route(&r.health, get().to(ok)); }
`, "/__internal/healthcheck"},
		{"only in tests", `
fn app() {}
#[cfg(test)]
mod tests {
    fn t() { assert!(path() == "/health"); let _ = "/x/healthz"; }
}
`, ""},
		{"a log line is no route", `
fn main() { println!("see /docs for health"); }
`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := analyze(t, "src/main.rs", tc.src)
			if s.Health.Value != tc.want {
				t.Errorf("health %q (at %s), want %q", s.Health.Value, s.Health.At, tc.want)
			}
		})
	}
}

// A host bound as a literal, with the port from a setting: the listener
// keeps that host (it cannot be changed, but it is known).
func TestBindHostLiteral(t *testing.T) {
	s := analyze(t, "src/main.rs", `
#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("APP_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(4100);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
}
`)
	if len(s.Listeners) != 1 || s.Listeners[0].Host != "127.0.0.1" || s.Listeners[0].Port != 4100 || s.Listeners[0].PortEnv != "APP_PORT" {
		t.Errorf("listeners %+v, want 127.0.0.1:4100 from APP_PORT", s.Listeners)
	}
}
