package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/env"
	"sre.minikube/apps/common/postgres"
)

func TestRun(t *testing.T) {
	server := env.Server{ListenAddr: "127.0.0.1:0", ShutdownTimeout: time.Second, LogLevel: slog.LevelInfo}
	database, err := postgres.ParseURL("postgres://app:secret@127.0.0.1:1/app")
	if err != nil {
		t.Fatal(err)
	}
	handler := func(*atomic.Bool) http.Handler { return http.NotFoundHandler() }
	boom := errors.New("boom")
	tests := []struct {
		name      string
		server    env.Server
		database  *pgxpool.Config
		configErr error
		app       App
		buildErr  error
		want      int
		wantMsg   string // the last log line's msg
		wantStore string // "store" of the "starting" line; "" when not started
	}{
		{name: "clean shutdown", server: server, app: App{Handler: handler}, want: ExitOK, wantMsg: "stopped", wantStore: "memory"},
		{name: "settled", server: server, app: App{Handler: handler, Settle: func(context.Context) error { return nil }},
			want: ExitOK, wantMsg: "stopped", wantStore: "memory"},
		{name: "settle fails", server: server, app: App{Handler: handler, Settle: func(context.Context) error { return boom }},
			want: ExitFailed, wantMsg: "shutdown", wantStore: "memory"},
		{name: "with a database", server: server, database: database, app: App{Handler: handler},
			want: ExitOK, wantMsg: "stopped", wantStore: "postgres"},
		{name: "invalid configuration", server: server, configErr: boom, want: ExitConfig, wantMsg: "invalid configuration"},
		{name: "build fails", server: server, buildErr: boom, want: ExitFailed, wantMsg: "start"},
		{name: "cannot listen", server: env.Server{ListenAddr: "127.0.0.1:-1"}, app: App{Handler: handler},
			want: ExitFailed, wantMsg: "listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // stop at once: serve, then shut down
			var out bytes.Buffer
			cfg := Config{Name: "svc", Server: tt.server, Database: tt.database, DatabaseURL: "redacted"}
			var gotPool bool
			build := func(_ context.Context, _ *slog.Logger, pool *pgxpool.Pool) (App, error) {
				gotPool = pool != nil
				return tt.app, tt.buildErr
			}
			if got := run(ctx, &out, cfg, tt.configErr, build); got != tt.want {
				t.Fatalf("run = %d, want %d; log:\n%s", got, tt.want, out.String())
			}
			if tt.configErr == nil && gotPool != (tt.database != nil) {
				t.Errorf("build got a pool: %v, want %v", gotPool, tt.database != nil)
			}
			var last, starting map[string]any
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var entry map[string]any
				if err := json.Unmarshal([]byte(line), &entry); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if entry["service"] != "svc" {
					t.Errorf("log line %q lacks service=svc", line)
				}
				if entry["msg"] == "starting" {
					starting = entry
				}
				last = entry
			}
			if last["msg"] != tt.wantMsg {
				t.Errorf("last log msg = %v, want %q", last["msg"], tt.wantMsg)
			}
			if got, _ := starting["store"].(string); got != tt.wantStore {
				t.Errorf("starting store = %q, want %q", got, tt.wantStore)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name        string
		vars        map[string]string
		wantHost    string // the database's host; "" for none
		wantURL     string
		wantListen  string
		wantErrVars []string // variables the errors name
	}{
		{name: "defaults", vars: map[string]string{}, wantListen: ":9000"},
		{name: "database", vars: map[string]string{"DATABASE_URL": "postgres://app:s3cret@db:5432/app"},
			wantHost: "db", wantURL: "postgres://app:xxxxx@db:5432/app", wantListen: ":9000"},
		{name: "listen address", vars: map[string]string{"LISTEN_ADDR": "127.0.0.1:9100"}, wantListen: "127.0.0.1:9100"},
		{name: "bad database", vars: map[string]string{"DATABASE_URL": "host=db password='s3cret"},
			wantListen: ":9000", wantErrVars: []string{"DATABASE_URL"}},
		{name: "every problem", vars: map[string]string{"DATABASE_URL": "mysql://u:s3cret@db/x", "LISTEN_ADDR": "nowhere"},
			wantErrVars: []string{"LISTEN_ADDR", "DATABASE_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, errs := LoadConfig("svc", env.Map(tt.vars), ":9000")
			if len(errs) != len(tt.wantErrVars) {
				t.Fatalf("errors = %v, want ones naming %v", errs, tt.wantErrVars)
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.wantErrVars[i]) {
					t.Errorf("error %q does not name %s", err, tt.wantErrVars[i])
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q shows the password", err)
				}
			}
			if cfg.Name != "svc" || cfg.DatabaseURL != tt.wantURL {
				t.Errorf("Name, DatabaseURL = %q, %q; want svc, %q", cfg.Name, cfg.DatabaseURL, tt.wantURL)
			}
			if tt.wantErrVars == nil && cfg.ListenAddr != tt.wantListen {
				t.Errorf("ListenAddr = %q, want %q", cfg.ListenAddr, tt.wantListen)
			}
			host := ""
			if cfg.Database != nil {
				host = cfg.Database.ConnConfig.Host
			}
			if host != tt.wantHost {
				t.Errorf("database host = %q, want %q", host, tt.wantHost)
			}
		})
	}
}
