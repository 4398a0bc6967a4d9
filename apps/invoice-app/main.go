// Command invoice-app keeps invoices and pays them through payment-provider.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/service"
	"sre.minikube/apps/invoice-app/internal/config"
	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
	"sre.minikube/apps/invoice-app/internal/pgstore"
	"sre.minikube/apps/invoice-app/internal/server"
)

func main() {
	cfg, err := config.Load(os.Getenv)
	os.Exit(service.Main(cfg.Config, err, func(_ context.Context, logger *slog.Logger, pool *pgxpool.Pool) (service.App, error) {
		return build(cfg, logger, pool)
	}))
}

// build makes invoice-app on its store: Postgres when pool is set, else
// the seeded invoices in memory.
func build(cfg config.Config, logger *slog.Logger, pool *pgxpool.Pool) (service.App, error) {
	var svc service.App
	var store invoice.Store
	if pool != nil {
		pg := pgstore.New(pool, cfg.ClaimTimeout)
		store, svc.Schema = pg, pg.Schema
		svc.Attrs = append(svc.Attrs, slog.String("claim_timeout", cfg.ClaimTimeout.String()))
	} else {
		memory, err := invoice.NewMemoryStore(invoice.Seed())
		if err != nil {
			return svc, err
		}
		store = memory
	}
	client := payment.NewClient(cfg.PaymentProviderURL, cfg.PaymentTimeout)
	app := server.New(store, client, logger)
	svc.Handler = app.Handler
	// The slowest request waits for a pay run: a few rounds of provider calls.
	svc.WriteTimeout = 10*time.Second + 4*cfg.PaymentTimeout
	svc.Attrs = append(svc.Attrs, slog.String("payment_provider", client.Endpoint()),
		slog.String("payment_timeout", cfg.PaymentTimeout.String()))
	// Every waiting request has had its answer; a run whose callers all hung
	// up may still be paying: let it settle what it claimed.
	svc.Settle = app.Wait
	return svc, nil
}
