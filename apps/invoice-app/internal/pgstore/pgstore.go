// Package pgstore keeps invoice-app's invoices in Postgres, shared by every
// replica. Paying claims each invoice in the database, so one invoice is in
// the hands of one pay run at a time across all replicas.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/money"
	"sre.minikube/apps/common/postgres"
	"sre.minikube/apps/invoice-app/internal/invoice"
)

// Store is an invoice.Store on Postgres. Its Schema's Migrate must succeed
// before it is ready.
type Store struct {
	*postgres.Schema
	pool         *pgxpool.Pool
	claimTimeout time.Duration
}

var _ invoice.Store = (*Store)(nil)

// New returns a store on pool whose claims expire after claimTimeout if
// they are not settled (it must exceed the longest payment call).
func New(pool *pgxpool.Pool, claimTimeout time.Duration) *Store {
	return &Store{Schema: postgres.NewSchema(pool, "invoice-app", migrations), pool: pool, claimTimeout: claimTimeout}
}

// migrations holds the NNNN_name.sql files of the schema, named after the
// service in schema_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

// List implements invoice.Store.
func (s *Store) List(ctx context.Context) ([]invoice.Invoice, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, value_minor, currency, paid_at IS NOT NULL, coalesce(rejection, '') FROM invoices ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (invoice.Invoice, error) {
		var inv invoice.Invoice
		var minor int64
		err := row.Scan(&inv.InvoiceId, &minor, &inv.Currency, &inv.IsPaid, &inv.PaymentError)
		inv.Value = money.FromMinor(minor)
		return inv, err
	})
	if err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	return list, nil
}

// claimNext takes the first unpaid invoice that is unclaimed or whose claim
// expired. SKIP LOCKED lets concurrent runs pass over a row another run is
// claiming; the row is re-checked under its lock, so two runs never both
// get it.
const claimNext = `
WITH next AS (
    SELECT id, claim_token IS NOT NULL AS recovered
    FROM invoices
    WHERE paid_at IS NULL AND rejected_at IS NULL
      AND (claim_token IS NULL OR claim_expires_at < now())
      AND NOT (id = ANY($3::text[]))
    ORDER BY seq
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
UPDATE invoices i
SET claim_token = $1, claim_expires_at = now() + make_interval(secs => $2)
FROM next
WHERE i.id = next.id
RETURNING i.id, i.value_minor, i.currency, i.payment_key, next.recovered`

// ClaimNext implements invoice.Store.
func (s *Store) ClaimNext(ctx context.Context, skip []string) (invoice.Claim, bool, error) {
	if skip == nil {
		skip = []string{}
	}
	c := invoice.Claim{Token: invoice.NewToken()}
	var minor int64
	err := s.pool.QueryRow(ctx, claimNext, c.Token, s.claimTimeout.Seconds(), skip).
		Scan(&c.Invoice.InvoiceId, &minor, &c.Invoice.Currency, &c.PaymentKey, &c.Recovered)
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Claim{}, false, nil
	}
	if err != nil {
		return invoice.Claim{}, false, fmt.Errorf("claim an unpaid invoice: %w", err)
	}
	c.Invoice.Value = money.FromMinor(minor)
	return c, true, nil
}

// Settle implements invoice.Store. A payment the provider confirmed is
// recorded even when the claim was lost meanwhile: it is the truth.
func (s *Store) Settle(ctx context.Context, c invoice.Claim, paid bool) error {
	id := c.Invoice.InvoiceId
	if paid {
		tag, err := s.pool.Exec(ctx, `UPDATE invoices
			SET paid_at = coalesce(paid_at, now()), claim_token = NULL, claim_expires_at = NULL
			WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("record the payment of %s: %w", id, err)
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("record the payment of %s: no such invoice", id)
		}
		return nil
	}
	tag, err := s.pool.Exec(ctx, `UPDATE invoices SET claim_token = NULL, claim_expires_at = NULL
		WHERE id = $1 AND claim_token = $2 AND paid_at IS NULL`, id, c.Token)
	if err != nil {
		return fmt.Errorf("release the claim on %s: %w", id, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("release the claim on %s: %w", id, invoice.ErrClaimLost)
	}
	return nil
}

// Reject implements invoice.Store.
func (s *Store) Reject(ctx context.Context, c invoice.Claim, reason string) error {
	id := c.Invoice.InvoiceId
	tag, err := s.pool.Exec(ctx, `UPDATE invoices
		SET rejected_at = now(), rejection = $3, claim_token = NULL, claim_expires_at = NULL
		WHERE id = $1 AND claim_token = $2 AND paid_at IS NULL`, id, c.Token, reason)
	if err != nil {
		return fmt.Errorf("record the refusal of %s: %w", id, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("record the refusal of %s: %w", id, invoice.ErrClaimLost)
	}
	return nil
}
