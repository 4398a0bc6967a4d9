// Package config reads payment-provider's settings from the environment and
// refuses bad values at start, naming the variable to fix.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/payment-provider/internal/postgres"
)

// Defaults.
const (
	DefaultListenAddr      = ":8082"
	DefaultDrainDelay      = 3 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
)

// Config is payment-provider's configuration.
type Config struct {
	ListenAddr      string          // LISTEN_ADDR, host:port
	Database        *pgxpool.Config // DATABASE_URL, libpq URL; nil: idempotency keys in memory
	DatabaseURL     string          // DATABASE_URL with its password redacted, for logs
	DrainDelay      time.Duration   // DRAIN_DELAY, serving while not ready after SIGTERM
	ShutdownTimeout time.Duration   // SHUTDOWN_TIMEOUT, bound of the graceful shutdown
	LogLevel        slog.Level      // LOG_LEVEL: debug, info, warn or error
}

// Load reads the configuration through getenv (os.Getenv in main) and
// returns every problem found at once.
func Load(getenv func(string) string) (Config, error) {
	var errs []error
	cfg := Config{}
	var err error

	if cfg.ListenAddr, err = ListenAddr(getenv("LISTEN_ADDR"), DefaultListenAddr); err != nil {
		errs = append(errs, err)
	}
	if value := getenv("DATABASE_URL"); value != "" {
		if cfg.Database, err = postgres.ParseURL(value); err != nil {
			errs = append(errs, fmt.Errorf("DATABASE_URL: %w", err))
		} else {
			cfg.DatabaseURL = postgres.Redact(value)
		}
	}
	if cfg.DrainDelay, err = Delay("DRAIN_DELAY", getenv("DRAIN_DELAY"), DefaultDrainDelay); err != nil {
		errs = append(errs, err)
	}
	if cfg.ShutdownTimeout, err = Duration("SHUTDOWN_TIMEOUT", getenv("SHUTDOWN_TIMEOUT"), DefaultShutdownTimeout); err != nil {
		errs = append(errs, err)
	}
	if cfg.LogLevel, err = LogLevel(getenv("LOG_LEVEL")); err != nil {
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
}
