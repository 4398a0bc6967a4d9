// Package config reads invoice-app's settings from the environment and
// refuses bad values at start, naming the variable to fix.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults.
const (
	DefaultListenAddr      = ":8081"
	DefaultPaymentTimeout  = 5 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
)

// Config is invoice-app's configuration.
type Config struct {
	ListenAddr         string        // LISTEN_ADDR, host:port
	PaymentProviderURL *url.URL      // PAYMENT_PROVIDER_URL, base URL of payment-provider
	PaymentTimeout     time.Duration // PAYMENT_TIMEOUT, bound of one call to the provider
	ShutdownTimeout    time.Duration // SHUTDOWN_TIMEOUT, bound of the graceful shutdown
	LogLevel           slog.Level    // LOG_LEVEL: debug, info, warn or error
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
	if cfg.PaymentProviderURL, err = providerURL(getenv("PAYMENT_PROVIDER_URL")); err != nil {
		errs = append(errs, err)
	}
	if cfg.PaymentTimeout, err = Duration("PAYMENT_TIMEOUT", getenv("PAYMENT_TIMEOUT"), DefaultPaymentTimeout); err != nil {
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

func providerURL(value string) (*url.URL, error) {
	const example = "http://payment-provider:8082"
	if value == "" {
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL is required: the base URL of payment-provider, e.g. %s", example)
	}
	u, err := url.Parse(value)
	if err != nil {
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: not a URL: %w", value, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: scheme must be http or https, e.g. %s", value, example)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: a host is required, e.g. %s", value, example)
	case u.User != nil:
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: credentials in the URL are not supported", value)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: no query or fragment, just the base URL, e.g. %s", value, example)
	case strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/payments/pay"):
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: give the base URL (e.g. %s); /payments/pay is appended", value, example)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: port must be from 1 to 65535", value)
		}
	}
	return u, nil
}
