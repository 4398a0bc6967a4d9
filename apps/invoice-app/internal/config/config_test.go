package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"sre.minikube/apps/common/env"
)

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env.Map(map[string]string{"PAYMENT_PROVIDER_URL": "http://payment-provider:8082"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.ListenAddr != ":8081" || cfg.PaymentTimeout != 5*time.Second ||
		cfg.ShutdownTimeout != 10*time.Second || cfg.LogLevel != slog.LevelInfo {
		t.Fatalf("defaults = %+v", cfg)
	}
	if cfg.Database != nil || cfg.ClaimTimeout != 30*time.Second || cfg.DrainDelay != 3*time.Second {
		t.Fatalf("defaults = %+v; want the memory store, claims of 30s, a drain of 3s", cfg)
	}
	if got := cfg.PaymentProviderURL.String(); got != "http://payment-provider:8082" {
		t.Fatalf("PaymentProviderURL = %s", got)
	}
}

func TestLoadValues(t *testing.T) {
	cfg, err := Load(env.Map(map[string]string{
		"LISTEN_ADDR":          "127.0.0.1:9000",
		"PAYMENT_PROVIDER_URL": "https://pay.example.test/base/",
		"PAYMENT_TIMEOUT":      "1500ms",
		"SHUTDOWN_TIMEOUT":     "3s",
		"LOG_LEVEL":            "debug",
		"DATABASE_URL":         "postgres://invoice:s3cret@postgres:5432/invoices",
		"CLAIM_TIMEOUT":        "2s",
		"DRAIN_DELAY":          "0s",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Database == nil || cfg.Database.ConnConfig.Host != "postgres" || cfg.ClaimTimeout != 2*time.Second || cfg.DrainDelay != 0 {
		t.Fatalf("cfg = %+v", cfg)
	}
	if cfg.DatabaseURL != "postgres://invoice:xxxxx@postgres:5432/invoices" {
		t.Fatalf("DatabaseURL for the logs = %q", cfg.DatabaseURL)
	}
	if cfg.ListenAddr != "127.0.0.1:9000" || cfg.PaymentTimeout != 1500*time.Millisecond ||
		cfg.ShutdownTimeout != 3*time.Second || cfg.LogLevel != slog.LevelDebug {
		t.Fatalf("cfg = %+v", cfg)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string // part of the message: the variable to fix
	}{
		{"url missing", map[string]string{}, "PAYMENT_PROVIDER_URL is required"},
		{"url relative", map[string]string{"PAYMENT_PROVIDER_URL": "payment-provider:8082"}, "PAYMENT_PROVIDER_URL"},
		{"url no scheme", map[string]string{"PAYMENT_PROVIDER_URL": "//payment-provider:8082"}, "scheme must be http or https"},
		{"url ftp", map[string]string{"PAYMENT_PROVIDER_URL": "ftp://payment-provider"}, "scheme must be http or https"},
		{"url no host", map[string]string{"PAYMENT_PROVIDER_URL": "http://"}, "a host is required"},
		{"url credentials", map[string]string{"PAYMENT_PROVIDER_URL": "http://u:s3cret@h:1"}, "credentials"},
		{"url credentials unparsable", map[string]string{"PAYMENT_PROVIDER_URL": "http://u:s3cret@h:1/%zz"}, "not a URL"},
		{"url query", map[string]string{"PAYMENT_PROVIDER_URL": "http://h:1/?a=b"}, "no query"},
		{"url full endpoint", map[string]string{"PAYMENT_PROVIDER_URL": "http://h:8082/payments/pay"}, "base URL"},
		{"url bad port", map[string]string{"PAYMENT_PROVIDER_URL": "http://h:99999"}, "PAYMENT_PROVIDER_URL"},
		{"listen no port", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "LISTEN_ADDR": "8081"}, "LISTEN_ADDR"},
		{"listen bad port", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "LISTEN_ADDR": ":http"}, "LISTEN_ADDR"},
		{"listen port range", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "LISTEN_ADDR": ":70000"}, "LISTEN_ADDR"},
		{"timeout word", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "PAYMENT_TIMEOUT": "soon"}, "PAYMENT_TIMEOUT"},
		{"timeout unitless", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "PAYMENT_TIMEOUT": "5"}, "PAYMENT_TIMEOUT"},
		{"timeout zero", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "PAYMENT_TIMEOUT": "0s"}, "PAYMENT_TIMEOUT"},
		{"timeout negative", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "PAYMENT_TIMEOUT": "-1s"}, "PAYMENT_TIMEOUT"},
		{"timeout huge", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "PAYMENT_TIMEOUT": "1h"}, "PAYMENT_TIMEOUT"},
		{"shutdown bad", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "SHUTDOWN_TIMEOUT": "x"}, "SHUTDOWN_TIMEOUT"},
		{"log level", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"database not a connection string", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "DATABASE_URL": "host=db password='s3cret"}, "DATABASE_URL"},
		{"database scheme", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "DATABASE_URL": "mysql://u:s3cret@db/x"}, "DATABASE_URL"},
		{"database setting", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "DATABASE_URL": "postgres://u:s3cret@db/x?sslmode=maybe"}, "DATABASE_URL"},
		{"claim unitless", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "CLAIM_TIMEOUT": "30"}, "CLAIM_TIMEOUT"},
		{"claim shorter than a payment", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "CLAIM_TIMEOUT": "5s"}, "CLAIM_TIMEOUT=5s must be longer than PAYMENT_TIMEOUT=5s"},
		{"drain negative", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "DRAIN_DELAY": "-1s"}, "DRAIN_DELAY"},
		{"drain huge", map[string]string{"PAYMENT_PROVIDER_URL": "http://h", "DRAIN_DELAY": "11m"}, "DRAIN_DELAY"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env.Map(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v; want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("the error shows a password: %v", err)
			}
		})
	}
}

// Every problem is reported at once, so one restart fixes them all.
func TestLoadReportsAllErrors(t *testing.T) {
	_, err := Load(env.Map(map[string]string{"LISTEN_ADDR": "x", "PAYMENT_TIMEOUT": "y"}))
	if err == nil {
		t.Fatal("Load succeeded")
	}
	for _, name := range []string{"LISTEN_ADDR", "PAYMENT_PROVIDER_URL", "PAYMENT_TIMEOUT"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}
