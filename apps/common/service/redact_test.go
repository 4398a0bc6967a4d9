package service

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/env"
	"sre.minikube/apps/common/pgtest"
	"sre.minikube/apps/common/postgres"
)

// syncBuffer is a log a test reads while the service writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runFor runs a service with the DATABASE_URL dsn, a schema of one
// migration, until until is logged or timeout passes, and returns its log.
func runFor(t *testing.T, dsn, until string, timeout time.Duration) string {
	t.Helper()
	vars := map[string]string{"DATABASE_URL": dsn, "LISTEN_ADDR": "127.0.0.1:0", "DRAIN_DELAY": "0s", "SHUTDOWN_TIMEOUT": "1s"}
	cfg, errs := LoadConfig("svc", env.Map(vars), ":0")
	var configErr error
	if len(errs) > 0 {
		configErr = errs[0]
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	build := func(_ context.Context, logger *slog.Logger, pool *pgxpool.Pool) (App, error) {
		files := fstest.MapFS{"migrations/0001_t.sql": {Data: []byte("CREATE TABLE t (id int)")}}
		return App{
			Handler: func(*atomic.Bool) http.Handler { return http.NotFoundHandler() },
			Schema:  postgres.NewSchema(pool, "svc", files),
		}, nil
	}
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, &out, cfg, configErr, build) }()
	deadline := time.After(timeout)
	for !strings.Contains(out.String(), until) {
		select {
		case <-done:
			return out.String()
		case <-deadline:
			cancel()
			<-done
			t.Fatalf("no %q logged within %s; log:\n%s", until, timeout, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	<-done
	return out.String()
}

// noPassword fails if the log shows password, whole or escaped.
func noPassword(t *testing.T, log, password string) {
	t.Helper()
	for _, spelling := range []string{password, url.QueryEscape(password), url.PathEscape(password), percentEncode(password), fmt.Sprintf("%q", password)} {
		if strings.Contains(log, spelling) {
			t.Errorf("the log shows the password as %q:\n%s", spelling, log)
		}
	}
}

func TestLogsNeverShowThePassword(t *testing.T) {
	// Nothing listens on port 1: every attempt fails and is logged.
	cases := []struct {
		name, dsn, password, until string
	}{
		{"userinfo", "postgres://inv:s3cret@127.0.0.1:1/inv", "s3cret", `"database not ready"`},
		{"password= parameter", "postgres://inv@127.0.0.1:1/inv?password=s3cret", "s3cret", `"database not ready"`},
		{"encoded password= key", "postgres://inv@127.0.0.1:1/inv?pass%77ord=s3cret", "s3cret", `"database not ready"`},
		{"userinfo percent-encoded", "postgres://inv:s3%2Fc%40r%25et@127.0.0.1:1/inv", "s3/c@r%et", `"database not ready"`},
		{"userinfo holding # and ?", "postgres://inv:s3#c?ret@127.0.0.1:1/inv", "s3#c?ret", `"database not ready"`},
		{"key/value", "host=127.0.0.1 port=1 user=inv dbname=inv password=s3cret", "s3cret", `"database not ready"`},
		{"key/value quoted", `host=127.0.0.1 port=1 user=inv password='s3 c\'ret'`, "s3 c'ret", `"database not ready"`},
		// Refused at start: the line names the variable, not the password.
		{"userinfo holding @", "postgres://inv:s3@cret@127.0.0.1:1/inv", "s3@cret", `"invalid configuration"`},
		{"userinfo holding /", "postgres://inv:s3/cret@127.0.0.1:1/inv", "s3/cret", `"invalid configuration"`},
		{"userinfo holding % not encoding", "postgres://inv:s3%zzcret@127.0.0.1:1/inv", "s3%zzcret", `"invalid configuration"`},
		{"bad setting", "postgres://inv:s3cret@127.0.0.1:1/inv?sslmode=sometimes", "s3cret", `"invalid configuration"`},
		{"unterminated quote", `host=127.0.0.1 password='s3 cret`, "s3 cret", `"invalid configuration"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log := runFor(t, tc.dsn, tc.until, 10*time.Second)
			if !strings.Contains(log, tc.until) {
				t.Fatalf("no %s line; log:\n%s", tc.until, log)
			}
			if !strings.Contains(log, "xxxxx") && tc.until != `"database not ready"` {
				t.Errorf("the log does not show the masked string:\n%s", log)
			}
			noPassword(t, log, tc.password)
		})
	}
}

// percentEncode encodes every byte but a letter or digit as %XX, as libpq
// decodes it (url.QueryEscape writes a space as +, which libpq keeps).
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// TestLogsNeverShowThePasswordOnPostgres connects with a password in every
// form pgx takes it to a real server: the service migrates, and it also
// fails (no such database) with the server's own errors, and no log line
// shows the password.
func TestLogsNeverShowThePasswordOnPostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	const password = `s3/c@r#e?t%:&= x'\`
	const rawPassword = "s3#c?r:et!" // what a URL may hold unencoded
	host, port, database := u.Hostname(), u.Port(), strings.TrimPrefix(u.Path, "/")
	quoted := "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(password) + "'"
	cases := []struct {
		name, password string
		dsn            func(user, database string) string
	}{
		{"userinfo percent-encoded", password, func(user, db string) string {
			return fmt.Sprintf("postgres://%s@%s:%s/%s", url.UserPassword(user, password), host, port, db)
		}},
		{"userinfo unencoded", rawPassword, func(user, db string) string {
			return fmt.Sprintf("postgres://%s:%s@%s:%s/%s", user, rawPassword, host, port, db)
		}},
		{"password= parameter", password, func(user, db string) string {
			return fmt.Sprintf("postgres://%s@%s:%s/%s?password=%s", user, host, port, db, percentEncode(password))
		}},
		{"key/value", password, func(user, db string) string {
			return fmt.Sprintf("host=%s port=%s user=%s dbname=%s password=%s", host, port, user, db, quoted)
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			user := fmt.Sprintf("redact_%d_%d", i, time.Now().UnixNano())
			admin := pgtest.Open(t, dsn)
			ctx := context.Background()
			literal := "'" + strings.ReplaceAll(tc.password, "'", "''") + "'"
			for _, sql := range []string{
				"CREATE ROLE " + pgx.Identifier{user}.Sanitize() + " LOGIN PASSWORD " + literal,
				"GRANT CREATE ON SCHEMA public TO " + pgx.Identifier{user}.Sanitize(),
			} {
				if _, err := admin.Exec(ctx, sql); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			t.Cleanup(func() {
				_, _ = admin.Exec(context.Background(), "DROP OWNED BY "+pgx.Identifier{user}.Sanitize())
				_, _ = admin.Exec(context.Background(), "DROP ROLE "+pgx.Identifier{user}.Sanitize())
			})
			log := runFor(t, tc.dsn(user, database), `"migrations applied"`, 30*time.Second)
			noPassword(t, log, tc.password)
			log = runFor(t, tc.dsn(user, "no_such_database"), `does not exist`, 30*time.Second)
			if !strings.Contains(log, `"database not ready"`) {
				t.Errorf("no retry logged:\n%s", log)
			}
			noPassword(t, log, tc.password)
		})
	}
}
