// Package config reads payment-provider's settings from the environment and
// refuses bad values at start, naming the variable to fix.
package config

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/shared/env"
	"sre.minikube/apps/shared/postgres"
)

// DefaultListenAddr is where payment-provider listens unless LISTEN_ADDR says otherwise.
const DefaultListenAddr = ":8082"

// Config is payment-provider's configuration.
type Config struct {
	env.Server                  // LISTEN_ADDR, DRAIN_DELAY, SHUTDOWN_TIMEOUT, LOG_LEVEL
	Database    *pgxpool.Config // DATABASE_URL, libpq URL; nil: idempotency keys in memory
	DatabaseURL string          // DATABASE_URL with its password redacted, for logs
}

// Load reads the configuration through getenv (os.Getenv in main) and
// returns every problem found at once.
func Load(getenv func(string) string) (Config, error) {
	cfg := Config{}
	var errs []error
	cfg.Server, errs = env.LoadServer(getenv, DefaultListenAddr)
	var err error
	if value := getenv("DATABASE_URL"); value != "" {
		if cfg.Database, err = postgres.ParseURL(value); err != nil {
			errs = append(errs, fmt.Errorf("DATABASE_URL: %w", err))
		} else {
			cfg.DatabaseURL = postgres.Redact(value)
		}
	}
	return cfg, errors.Join(errs...)
}
