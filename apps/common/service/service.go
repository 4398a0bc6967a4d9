// Package service runs one of the apps' HTTP services: its JSON logger, the
// signals that stop it, its database pool, serving with readiness, drain and
// graceful shutdown, and the process's exit code. A service's main package
// loads its configuration and builds its handler; the rest is here.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/env"
	"sre.minikube/apps/common/httpx"
	"sre.minikube/apps/common/postgres"
	"sre.minikube/apps/common/redact"
)

// Exit codes of Main.
const (
	ExitOK     = 0 // served and shut down cleanly
	ExitFailed = 1 // could not start, serve or shut down cleanly
	ExitConfig = 2 // the configuration is invalid
)

// DefaultWriteTimeout bounds a request when App.WriteTimeout is zero.
const DefaultWriteTimeout = 10 * time.Second

// Config is what every service reads from its environment.
type Config struct {
	Name        string          // the service's name, on every log line
	env.Server                  // LISTEN_ADDR, DRAIN_DELAY, SHUTDOWN_TIMEOUT, LOG_LEVEL
	Database    *pgxpool.Config // DATABASE_URL, libpq URL; nil: the service keeps its data in memory
	DatabaseURL string          // DATABASE_URL with its password redacted, for logs
	// Redactor hides the password of DATABASE_URL in every log line (nil:
	// no DATABASE_URL, nothing to hide).
	Redactor *redact.Redactor
}

// LoadConfig reads the Config of the service name through getenv;
// listenAddr is its default of LISTEN_ADDR. It returns every problem found.
func LoadConfig(name string, getenv func(string) string, listenAddr string) (Config, []error) {
	cfg := Config{Name: name}
	var errs []error
	cfg.Server, errs = env.LoadServer(getenv, listenAddr)
	if value := getenv("DATABASE_URL"); value != "" {
		cfg.Redactor = redact.New(value)
		database, err := postgres.ParseURL(value)
		if err != nil {
			return cfg, append(errs, fmt.Errorf("DATABASE_URL: %w", err))
		}
		cfg.Database, cfg.DatabaseURL = database, cfg.Redactor.Redact(value)
	}
	return cfg, errs
}

// App is a service built on its logger and, when it has one, its database.
type App struct {
	// Handler serves the API; ready tells it whether to answer /readyz.
	Handler func(ready *atomic.Bool) http.Handler
	// Schema, when not nil, is migrated in the background while the
	// service already serves (alive, not ready until it is in place).
	Schema *postgres.Schema
	// WriteTimeout bounds the slowest request; zero means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// Attrs are logged with "starting", after the common settings.
	Attrs []any
	// Settle, when not nil, runs after the server has shut down, within
	// the shutdown timeout: work that outlived its requests ends there.
	Settle func(ctx context.Context) error
}

// Build makes the App. pool is nil when Config.Database is nil.
type Build func(ctx context.Context, logger *slog.Logger, pool *pgxpool.Pool) (App, error)

// Main runs the service until SIGTERM or SIGINT and returns the exit code
// for os.Exit. configErr is the error of loading cfg: the service logs it
// and exits with ExitConfig.
func Main(cfg Config, configErr error, build Build) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return run(ctx, os.Stdout, cfg, configErr, build)
}

// redactAttr returns the ReplaceAttr of the logger: every value of every
// line (the message, strings, errors, anything else as the JSON it is
// written as) loses the password of DATABASE_URL, whatever logged it: the
// service, pgx's errors, net/http's error log.
func redactAttr(r *redact.Redactor) func(groups []string, a slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		if r == nil {
			return a
		}
		switch a.Value.Kind() {
		case slog.KindString:
			a.Value = slog.StringValue(r.Redact(a.Value.String()))
		case slog.KindAny:
			var text string
			switch v := a.Value.Any().(type) {
			case error:
				text = v.Error()
			case fmt.Stringer:
				text = v.String()
			default:
				raw, err := json.Marshal(v)
				if err != nil {
					text = fmt.Sprint(v)
				} else if redacted := r.Redact(string(raw)); redacted != string(raw) {
					text = redacted
				} else {
					return a
				}
			}
			a.Value = slog.StringValue(r.Redact(text))
		}
		return a
	}
}

// run is Main until ctx ends, logging to out.
func run(ctx context.Context, out io.Writer, cfg Config, configErr error, build Build) int {
	logger := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{
		Level:       cfg.Server.LogLevel,
		ReplaceAttr: redactAttr(cfg.Redactor),
	})).With(slog.String("service", cfg.Name))
	if configErr != nil {
		logger.Error("invalid configuration", slog.String("error", configErr.Error()))
		return ExitConfig
	}

	var pool *pgxpool.Pool
	storeAttrs := []any{slog.String("store", "memory")}
	if cfg.Database != nil {
		var err error
		if pool, err = postgres.Open(ctx, cfg.Database); err != nil {
			logger.Error("database", slog.String("error", err.Error()))
			return ExitFailed
		}
		defer pool.Close()
		storeAttrs = []any{slog.String("store", "postgres"), slog.String("database", cfg.DatabaseURL)}
	}
	app, err := build(ctx, logger, pool)
	if err != nil {
		logger.Error("start", slog.String("error", err.Error()))
		return ExitFailed
	}
	if app.Schema != nil {
		go app.Schema.MigrateUntilDone(ctx, logger)
	}

	ln, err := net.Listen("tcp", cfg.Server.ListenAddr)
	if err != nil {
		logger.Error("listen", slog.String("addr", cfg.Server.ListenAddr), slog.String("error", err.Error()))
		return ExitFailed
	}
	writeTimeout := app.WriteTimeout
	if writeTimeout == 0 {
		writeTimeout = DefaultWriteTimeout
	}
	var ready atomic.Bool
	srv := httpx.NewServer(app.Handler(&ready), logger, writeTimeout)
	attrs := append(storeAttrs,
		slog.String("drain_delay", cfg.Server.DrainDelay.String()),
		slog.String("shutdown_timeout", cfg.Server.ShutdownTimeout.String()))
	logger.Info("starting", append(attrs, app.Attrs...)...)
	if err := httpx.Serve(ctx, logger, srv, ln, &ready, cfg.Server.DrainDelay, cfg.Server.ShutdownTimeout); err != nil {
		logger.Error("server", slog.String("error", err.Error()))
		return ExitFailed
	}
	if app.Settle == nil {
		return ExitOK
	}
	settleCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Server.ShutdownTimeout)
	defer cancel()
	if err := app.Settle(settleCtx); err != nil {
		logger.Error("shutdown", slog.String("error", err.Error()))
		return ExitFailed
	}
	return ExitOK
}
