package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/choices"
	"github.com/nixgen/nixgen/generator/internal/model"
)

// A store is created when a setting names it and a library speaks to it;
// the URL's scheme decides between several; a setting with a default or a
// MySQL database is left to the user (MySQL with a warning).
func TestStores(t *testing.T) {
	for _, tc := range []struct {
		name     string
		libs     []string
		settings []model.Setting
		want     []model.Store
		warn     string
	}{
		{"sqlx postgres", []string{"sqlx", "sqlx/postgres"},
			[]model.Setting{{Name: "DATABASE_URL", Required: true, At: "a.rs:1"}},
			[]model.Store{{Kind: model.Postgres, Var: "DATABASE_URL", URL: true, At: "a.rs:1"}}, ""},
		{"pgx dsn", []string{"github.com/jackc/pgx/v5"},
			[]model.Setting{{Name: "APP_DSN", Required: true}},
			[]model.Store{{Kind: model.Postgres, Var: "APP_DSN", URL: true}}, ""},
		{"scheme decides", []string{"sqlx/postgres", "sqlx/sqlite"},
			[]model.Setting{{Name: "DATABASE_URL", Default: "sqlite://app.db"}},
			nil, ""}, // SQLite with a default: it lands in the state directory
		{"sqlite path without default", []string{"rusqlite"},
			[]model.Setting{{Name: "APP_DB_PATH"}},
			[]model.Store{{Kind: model.SQLite, Var: "APP_DB_PATH"}}, ""},
		{"redis", []string{"redis"},
			[]model.Setting{{Name: "REDIS_URL", Required: true}},
			[]model.Store{{Kind: model.Redis, Var: "REDIS_URL", URL: true}}, ""},
		{"no library", nil,
			[]model.Setting{{Name: "DATABASE_URL", Required: true}},
			nil, ""},
		{"two kinds, no scheme", []string{"sqlx/postgres", "sqlx/mysql"},
			[]model.Setting{{Name: "DATABASE_URL", Required: true}},
			nil, ""},
		{"mysql go dsn", []string{"github.com/go-sql-driver/mysql"},
			[]model.Setting{{Name: "DB_DSN", Required: true, At: "main.go:9"}},
			[]model.Store{{Kind: model.MySQL, Var: "DB_DSN", Socket: model.GoDSN, At: "main.go:9"}}, ""},
		{"mysql go url", []string{"github.com/go-sql-driver/mysql"},
			[]model.Setting{{Name: "DATABASE_URL", Default: "mysql://app@localhost/app", At: "main.go:9"}},
			nil, "main.go:9: DATABASE_URL names a MySQL database, which nixgen does not create on the host (its default is a URL the program converts itself)"},
		{"mysql sqlx", []string{"sqlx", "sqlx/mysql"},
			[]model.Setting{{Name: "DATABASE_URL", Required: true}},
			[]model.Store{{Kind: model.MySQL, Var: "DATABASE_URL", URL: true, Socket: model.SocketParam}}, ""},
		{"mysql diesel", []string{"diesel", "diesel/mysql", "mysqlclient-sys"},
			[]model.Setting{{Name: "DATABASE_URL", Required: true}},
			[]model.Store{{Kind: model.MySQL, Var: "DATABASE_URL", URL: true, Socket: model.UnixSocketParam}}, ""},
		{"mysql, two drivers", []string{"sqlx/mysql", "diesel/mysql"},
			[]model.Setting{{Name: "DATABASE_URL", Required: true}},
			nil, "no one MySQL driver"},
		{"postgres and mysql", []string{"sqlx/postgres", "sqlx/mysql"},
			[]model.Setting{{Name: "DATABASE_URL", Default: "postgres://localhost/app"}, {Name: "LEGACY_DATABASE_URL", Default: "mysql://localhost/old", At: "a.rs:3"}},
			[]model.Store{{Kind: model.Postgres, Var: "DATABASE_URL", URL: true}}, "a.rs:3: LEGACY_DATABASE_URL names a second database server"},
		{"a host is no URL", []string{"tokio-postgres"},
			[]model.Setting{{Name: "DB_HOST"}},
			nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := serverProject(&model.Surface{Settings: tc.settings})
			p.Libraries = model.SortStrings(tc.libs)
			warnings, err := service(p, choices.Choices{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.Service.Stores); diff != "" {
				t.Errorf("stores (-want +got):\n%s", diff)
			}
			if all := strings.Join(warnings, "\n"); tc.warn != "" && !strings.Contains(all, tc.warn) {
				t.Errorf("warnings %q lack %q", all, tc.warn)
			}
		})
	}
}
