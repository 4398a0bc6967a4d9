// Command payment-provider accepts payments of invoices.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/service"
	"sre.minikube/apps/payment-provider/internal/config"
	"sre.minikube/apps/payment-provider/internal/ledger"
	"sre.minikube/apps/payment-provider/internal/pgledger"
	"sre.minikube/apps/payment-provider/internal/server"
)

func main() {
	cfg, err := config.Load(os.Getenv)
	os.Exit(service.Main(cfg.Config, err, build))
}

// build makes payment-provider on its ledger: Postgres when pool is set,
// else in memory.
func build(_ context.Context, logger *slog.Logger, pool *pgxpool.Pool) (service.App, error) {
	var svc service.App
	var payments ledger.Ledger = ledger.NewMemory()
	if pool != nil {
		pg := pgledger.New(pool)
		payments, svc.Schema = pg, pg.Schema
	}
	svc.Handler = server.New(payments, logger).Handler
	return svc, nil
}
