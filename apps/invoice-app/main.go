// Command invoice-app keeps invoices and pays them through payment-provider.
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

	"sre.minikube/apps/invoice-app/internal/config"
	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
	"sre.minikube/apps/invoice-app/internal/pgstore"
	"sre.minikube/apps/invoice-app/internal/server"
	"sre.minikube/apps/shared/httpx"
	"sre.minikube/apps/shared/postgres"
)

func main() {
	os.Exit(run())
}

func run() int {
	cfg, err := config.Load(os.Getenv)
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).
		With(slog.String("service", "invoice-app"))
	if err != nil {
		logger.Error("invalid configuration", slog.String("error", err.Error()))
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	var store invoice.Store
	storeAttrs := []any{slog.String("store", "memory")}
	if cfg.Database != nil {
		pool, err := postgres.Open(ctx, cfg.Database)
		if err != nil {
			logger.Error("database", slog.String("error", err.Error()))
			return 1
		}
		defer pool.Close()
		pg := pgstore.New(pool, cfg.ClaimTimeout)
		store = pg
		storeAttrs = []any{slog.String("store", "postgres"), slog.String("database", cfg.DatabaseURL),
			slog.String("claim_timeout", cfg.ClaimTimeout.String())}
		// Serve at once (liveness) and stay not ready until the schema is
		// in place; a database that is still starting is waited for.
		go pg.MigrateUntilDone(ctx, logger)
	} else {
		memory, err := invoice.NewMemoryStore(invoice.Seed())
		if err != nil {
			logger.Error("seed invoices", slog.String("error", err.Error()))
			return 1
		}
		store = memory
	}
	client := payment.NewClient(cfg.PaymentProviderURL, cfg.PaymentTimeout)
	app := server.New(store, client, logger)

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		logger.Error("listen", slog.String("addr", cfg.ListenAddr), slog.String("error", err.Error()))
		return 1
	}
	var ready atomic.Bool
	// The slowest request waits for a pay run: a few rounds of provider calls.
	writeTimeout := 10*time.Second + 4*cfg.PaymentTimeout
	srv := httpx.NewServer(app.Handler(&ready), logger, writeTimeout)
	logger.Info("starting", append(storeAttrs,
		slog.String("payment_provider", client.Endpoint()),
		slog.String("payment_timeout", cfg.PaymentTimeout.String()),
		slog.String("drain_delay", cfg.DrainDelay.String()),
		slog.String("shutdown_timeout", cfg.ShutdownTimeout.String()))...)
	if err := httpx.Serve(ctx, logger, srv, ln, &ready, cfg.DrainDelay, cfg.ShutdownTimeout); err != nil {
		logger.Error("server", slog.String("error", err.Error()))
		return 1
	}
	// Every waiting request has had its answer; a run whose callers all hung
	// up may still be paying: let it settle what it claimed.
	waitCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := app.Wait(waitCtx); err != nil {
		logger.Error("shutdown", slog.String("error", err.Error()))
		return 1
	}
	return 0
}
