package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"sre.minikube/apps/common/env"
)

func TestLoad(t *testing.T) {
	cfg, err := Load(env.Map(nil))
	if err != nil || cfg.ListenAddr != ":8082" || cfg.ShutdownTimeout != 10*time.Second || cfg.LogLevel != slog.LevelInfo {
		t.Fatalf("defaults = %+v, %v", cfg, err)
	}
	cfg, err = Load(env.Map(map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "SHUTDOWN_TIMEOUT": "2s", "LOG_LEVEL": "warn"}))
	if err != nil || cfg.ListenAddr != "127.0.0.1:0" || cfg.ShutdownTimeout != 2*time.Second || cfg.LogLevel != slog.LevelWarn {
		t.Fatalf("cfg = %+v, %v", cfg, err)
	}
	if cfg.Database != nil || cfg.DrainDelay != 3*time.Second {
		t.Fatalf("defaults: database %v, drain %s; want none and 3s", cfg.Database, cfg.DrainDelay)
	}
	cfg, err = Load(env.Map(map[string]string{"DATABASE_URL": "postgres://pay:s3cret@db/payments", "DRAIN_DELAY": "0s"}))
	if err != nil || cfg.Database == nil || cfg.DatabaseURL != "postgres://pay:xxxxx@db/payments" || cfg.DrainDelay != 0 {
		t.Fatalf("cfg = %+v, %v", cfg, err)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LISTEN_ADDR": "8082"}, "LISTEN_ADDR"},
		{map[string]string{"LISTEN_ADDR": ":-1"}, "LISTEN_ADDR"},
		{map[string]string{"LISTEN_ADDR": "[::1"}, "LISTEN_ADDR"},
		{map[string]string{"SHUTDOWN_TIMEOUT": "10"}, "SHUTDOWN_TIMEOUT"},
		{map[string]string{"SHUTDOWN_TIMEOUT": "0s"}, "SHUTDOWN_TIMEOUT"},
		{map[string]string{"SHUTDOWN_TIMEOUT": "11m"}, "SHUTDOWN_TIMEOUT"},
		{map[string]string{"LOG_LEVEL": "verbose"}, "LOG_LEVEL"},
		{map[string]string{"DRAIN_DELAY": "-2s"}, "DRAIN_DELAY"},
		{map[string]string{"DRAIN_DELAY": "soon"}, "DRAIN_DELAY"},
		{map[string]string{"DATABASE_URL": "host=db password='s3cret"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "postgres://u:s3cret@db/x?sslmode=maybe"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "postgres://u:s3cret@db:70000/x"}, "DATABASE_URL"},
	}
	for _, tc := range cases {
		_, err := Load(env.Map(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%v) error = %v; want one naming %s", tc.env, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Load(%v) error shows the password: %v", tc.env, err)
		}
	}
}
