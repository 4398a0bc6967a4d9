// Package config reads payment-provider's settings from the environment and
// refuses bad values at start, naming the variable to fix.
package config

import (
	"errors"

	"sre.minikube/apps/common/service"
)

// DefaultListenAddr is where payment-provider listens unless LISTEN_ADDR says otherwise.
const DefaultListenAddr = ":8082"

// Config is payment-provider's configuration; without a database it
// keeps the idempotency keys in memory.
type Config struct {
	service.Config
}

// Load reads the configuration through getenv (os.Getenv in main) and
// returns every problem found at once.
func Load(getenv func(string) string) (Config, error) {
	cfg, errs := service.LoadConfig("payment-provider", getenv, DefaultListenAddr)
	return Config{cfg}, errors.Join(errs...)
}
