// Package pgledger keeps payment-provider's ledger in Postgres, so that all
// replicas share the idempotency keys.
package pgledger

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/money"
	"sre.minikube/apps/common/postgres"
	"sre.minikube/apps/payment-provider/internal/ledger"
)

// Ledger is a ledger.Ledger on Postgres. Its Schema's Migrate must succeed
// before it is ready.
type Ledger struct {
	*postgres.Schema
	pool *pgxpool.Pool
}

var _ ledger.Ledger = (*Ledger)(nil)

// New returns a ledger on pool.
func New(pool *pgxpool.Pool) *Ledger {
	return &Ledger{Schema: postgres.NewSchema(pool, "payment-provider", migrations), pool: pool}
}

// migrations holds the NNNN_name.sql files of the schema, named after the
// service in schema_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

// chargesQuery lists the charges of the first $1 invoices. Every row of
// payments is an accepted payment (a replay inserts nothing), so an
// invoice's charges are its rows, and its first payment the one with the
// lowest seq. Ids are compared in byte order (COLLATE "C") whatever the
// database's collation; the index payments_by_invoice holds the rows in
// that order with every column read, so the scan stops at the limit.
const chargesQuery = `SELECT invoice_id COLLATE "C", count(*),
		(array_agg(value_minor ORDER BY seq))[1], (array_agg(currency ORDER BY seq))[1]
	FROM payments
	GROUP BY invoice_id COLLATE "C"
	ORDER BY invoice_id COLLATE "C"
	LIMIT $1`

// Charges implements ledger.Ledger.
func (l *Ledger) Charges(ctx context.Context, limit int) (ledger.Charges, error) {
	out := ledger.Charges{Store: "postgres", Invoices: []ledger.Charge{}}
	limit = max(limit, 0)
	// One more than asked tells whether there are more.
	rows, err := l.pool.Query(ctx, chargesQuery, limit+1)
	if err != nil {
		return ledger.Charges{}, fmt.Errorf("read the charges: %w", err)
	}
	for rows.Next() {
		var c ledger.Charge
		var minor int64
		if err := rows.Scan(&c.InvoiceID, &c.Count, &minor, &c.Currency); err != nil {
			rows.Close()
			return ledger.Charges{}, fmt.Errorf("read the charges: %w", err)
		}
		c.Value = money.FromMinor(minor)
		if len(out.Invoices) == limit {
			out.Truncated = true
			continue
		}
		out.Invoices = append(out.Invoices, c)
	}
	if err := rows.Err(); err != nil {
		return ledger.Charges{}, fmt.Errorf("read the charges: %w", err)
	}
	return out, nil
}

// Record implements ledger.Ledger. Two replicas recording the same key at
// once: the unique index makes the second insert wait for the first and
// then do nothing, and the second reads what the first recorded.
func (l *Ledger) Record(ctx context.Context, key string, p ledger.Payment) (ledger.Payment, bool, error) {
	var nullableKey *string
	if key != "" {
		nullableKey = &key
	}
	var seq int64
	err := l.pool.QueryRow(ctx, `INSERT INTO payments (idempotency_key, invoice_id, value_minor, currency)
		VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING RETURNING seq`,
		nullableKey, p.InvoiceID, p.Value.Minor(), p.Currency).Scan(&seq)
	if err == nil {
		return p, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return ledger.Payment{}, false, fmt.Errorf("record the payment of %s: %w", p.InvoiceID, err)
	}
	var first ledger.Payment
	var minor int64
	err = l.pool.QueryRow(ctx, `SELECT invoice_id, value_minor, currency FROM payments WHERE idempotency_key = $1`, key).
		Scan(&first.InvoiceID, &minor, &first.Currency)
	if err != nil {
		return ledger.Payment{}, false, fmt.Errorf("read the payment of key %q: %w", key, err)
	}
	first.Value = money.FromMinor(minor)
	if first != p {
		return first, false, fmt.Errorf("key %q: %w", key, ledger.ErrKeyReused)
	}
	return first, true, nil
}
