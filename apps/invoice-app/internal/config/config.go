// Package config reads invoice-app's settings from the environment and
// refuses bad values at start, naming the variable to fix.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sre.minikube/apps/common/env"
	"sre.minikube/apps/common/redact"
	"sre.minikube/apps/common/service"
)

// Defaults.
const (
	DefaultListenAddr     = ":8081"
	DefaultPaymentTimeout = 5 * time.Second
	DefaultClaimTimeout   = 30 * time.Second
)

// Config is invoice-app's configuration.
type Config struct {
	service.Config                   // LISTEN_ADDR, DRAIN_DELAY, SHUTDOWN_TIMEOUT, LOG_LEVEL, DATABASE_URL (nil: invoices in memory)
	PaymentProviderURL *url.URL      // PAYMENT_PROVIDER_URL, base URL of payment-provider
	PaymentTimeout     time.Duration // PAYMENT_TIMEOUT, bound of one call to the provider
	ClaimTimeout       time.Duration // CLAIM_TIMEOUT, after which a dead replica's claim is taken over
}

// Load reads the configuration through getenv (os.Getenv in main) and
// returns every problem found at once.
func Load(getenv func(string) string) (Config, error) {
	cfg := Config{}
	var errs []error
	cfg.Config, errs = service.LoadConfig("invoice-app", getenv, DefaultListenAddr)
	var err error
	if cfg.PaymentProviderURL, err = providerURL(getenv("PAYMENT_PROVIDER_URL")); err != nil {
		errs = append(errs, err)
	}
	if cfg.PaymentTimeout, err = env.Duration("PAYMENT_TIMEOUT", getenv("PAYMENT_TIMEOUT"), DefaultPaymentTimeout); err != nil {
		errs = append(errs, err)
	}
	if cfg.ClaimTimeout, err = env.Duration("CLAIM_TIMEOUT", getenv("CLAIM_TIMEOUT"), DefaultClaimTimeout); err != nil {
		errs = append(errs, err)
	} else if cfg.PaymentTimeout > 0 && cfg.ClaimTimeout <= cfg.PaymentTimeout {
		// A claim must outlive the call it covers, or a live payment would
		// be taken over and sent again (the idempotency key would still
		// stop a second charge, but not the second call).
		errs = append(errs, fmt.Errorf("CLAIM_TIMEOUT=%s must be longer than PAYMENT_TIMEOUT=%s", cfg.ClaimTimeout, cfg.PaymentTimeout))
	}
	return cfg, errors.Join(errs...)
}

func providerURL(value string) (*url.URL, error) {
	const example = "http://payment-provider:8082"
	if value == "" {
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL is required: the base URL of payment-provider, e.g. %s", example)
	}
	// Errors name the value with any password masked: they are logged.
	shown := redact.New(value).Redact(value)
	u, err := url.Parse(value)
	if err != nil {
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: not a URL", shown)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: scheme must be http or https, e.g. %s", shown, example)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: a host is required, e.g. %s", shown, example)
	case u.User != nil:
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: credentials in the URL are not supported", shown)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: no query or fragment, just the base URL, e.g. %s", shown, example)
	case strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/payments/pay"):
		return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: give the base URL (e.g. %s); /payments/pay is appended", shown, example)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("PAYMENT_PROVIDER_URL=%q: port must be from 1 to 65535", shown)
		}
	}
	return u, nil
}
