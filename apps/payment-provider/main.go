// Command payment-provider accepts payments of invoices.
package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"sre.minikube/apps/payment-provider/internal/config"
	"sre.minikube/apps/payment-provider/internal/ledger"
	"sre.minikube/apps/payment-provider/internal/pgledger"
	"sre.minikube/apps/payment-provider/internal/server"
	"sre.minikube/apps/shared/httpx"
	"sre.minikube/apps/shared/postgres"
)

func main() {
	os.Exit(run())
}

func run() int {
	cfg, err := config.Load(os.Getenv)
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).
		With(slog.String("service", "payment-provider"))
	if err != nil {
		logger.Error("invalid configuration", slog.String("error", err.Error()))
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	var payments ledger.Ledger = ledger.NewMemory()
	storeAttrs := []any{slog.String("store", "memory")}
	if cfg.Database != nil {
		pool, err := postgres.Open(ctx, cfg.Database)
		if err != nil {
			logger.Error("database", slog.String("error", err.Error()))
			return 1
		}
		defer pool.Close()
		pg := pgledger.New(pool)
		payments = pg
		storeAttrs = []any{slog.String("store", "postgres"), slog.String("database", cfg.DatabaseURL)}
		// Serve at once (liveness) and stay not ready until the schema is
		// in place; a database that is still starting is waited for.
		go pg.MigrateUntilDone(ctx, logger)
	}

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		logger.Error("listen", slog.String("addr", cfg.ListenAddr), slog.String("error", err.Error()))
		return 1
	}
	var ready atomic.Bool
	srv := httpx.NewServer(server.New(payments, logger).Handler(&ready), logger, 10*time.Second)
	logger.Info("starting", append(storeAttrs,
		slog.String("drain_delay", cfg.DrainDelay.String()),
		slog.String("shutdown_timeout", cfg.ShutdownTimeout.String()))...)
	if err := httpx.Serve(ctx, logger, srv, ln, &ready, cfg.DrainDelay, cfg.ShutdownTimeout); err != nil {
		logger.Error("server", slog.String("error", err.Error()))
		return 1
	}
	return 0
}
