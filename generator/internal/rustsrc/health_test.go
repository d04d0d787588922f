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
