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
	"sre.minikube/apps/invoice-app/internal/httpx"
	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
	"sre.minikube/apps/invoice-app/internal/server"
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

	store, err := invoice.NewStore(invoice.Seed())
	if err != nil {
		logger.Error("seed invoices", slog.String("error", err.Error()))
		return 1
	}
	client := payment.NewClient(cfg.PaymentProviderURL, cfg.PaymentTimeout)
	app := server.New(store, client, logger)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		logger.Error("listen", slog.String("addr", cfg.ListenAddr), slog.String("error", err.Error()))
		return 1
	}
	var ready atomic.Bool
	// The slowest request is a pay run that waited for another one.
	writeTimeout := 10*time.Second + 4*cfg.PaymentTimeout
	srv := httpx.NewServer(app.Handler(&ready), logger, writeTimeout)
	logger.Info("starting",
		slog.String("payment_provider", client.Endpoint()),
		slog.String("payment_timeout", cfg.PaymentTimeout.String()),
		slog.String("shutdown_timeout", cfg.ShutdownTimeout.String()))
	if err := httpx.Serve(ctx, logger, srv, ln, &ready, cfg.ShutdownTimeout); err != nil {
		logger.Error("server", slog.String("error", err.Error()))
		return 1
	}
	return 0
}
