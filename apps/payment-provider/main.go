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
	"sre.minikube/apps/payment-provider/internal/httpx"
	"sre.minikube/apps/payment-provider/internal/server"
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

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		logger.Error("listen", slog.String("addr", cfg.ListenAddr), slog.String("error", err.Error()))
		return 1
	}
	var ready atomic.Bool
	srv := httpx.NewServer(server.New(logger).Handler(&ready), logger, 10*time.Second)
	logger.Info("starting", slog.String("shutdown_timeout", cfg.ShutdownTimeout.String()))
	if err := httpx.Serve(ctx, logger, srv, ln, &ready, cfg.ShutdownTimeout); err != nil {
		logger.Error("server", slog.String("error", err.Error()))
		return 1
	}
	return 0
}
