package pgledger_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"sre.minikube/apps/common/money"
	"sre.minikube/apps/common/pgtest"
	"sre.minikube/apps/payment-provider/internal/ledger"
	"sre.minikube/apps/payment-provider/internal/ledger/ledgertest"
	"sre.minikube/apps/payment-provider/internal/pgledger"
)

func open(t *testing.T, dsn string) *pgledger.Ledger {
	t.Helper()
	l := pgledger.New(pgtest.Open(t, dsn))
	if _, err := l.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLedgerContract(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) ledger.Ledger { return open(t, pgtest.NewDatabase(t)) })
}

// Replicas share the keys: the same key sent to three replicas at once is
// paid once.
func TestKeysAreSharedByReplicas(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ledgertest.ConcurrentRecords(t, []ledger.Ledger{open(t, dsn), open(t, dsn), open(t, dsn)}, 5)
}

// Replicas share the charges: each replica lists what all of them charged.
func TestChargesAreSharedByReplicas(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	replicas := []*pgledger.Ledger{open(t, dsn), open(t, dsn), open(t, dsn)}
	i1 := ledger.Payment{InvoiceID: "I1", Value: money.FromMinor(1215), Currency: "EUR"}
	i2 := ledger.Payment{InvoiceID: "I2", Value: money.FromMinor(1025), Currency: "GBP"}
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() {
			for _, call := range []struct {
				key string
				p   ledger.Payment
			}{{"", i1}, {"key-I2", i2}, {"key-I2", i2}} {
				if _, _, err := r.Record(ctx, call.key, call.p); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	want := []ledger.Charge{
		{InvoiceID: "I1", Value: i1.Value, Currency: "EUR", Count: 3},
		{InvoiceID: "I2", Value: i2.Value, Currency: "GBP", Count: 1},
	}
	for n, r := range replicas {
		got, err := r.Charges(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if got.Store != "postgres" || got.Truncated || !reflect.DeepEqual(got.Invoices, want) {
			t.Fatalf("replica %d: %+v, want store postgres, %+v", n, got, want)
		}
	}
}

// Listing the charges reads the first invoices from the index and stops
// after the limit, rather than reading and sorting every payment.
func TestChargesReadTheIndexOnly(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	l := open(t, dsn)
	pool := pgtest.Open(t, dsn)
	for _, sql := range []string{
		`INSERT INTO payments (invoice_id, value_minor, currency)
			SELECT 'I' || (n % 20000), n, 'EUR' FROM generate_series(1, 60000) AS n`,
		`VACUUM ANALYZE payments`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Charges(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	first := ledger.Charge{InvoiceID: "I0", Value: money.FromMinor(20000), Currency: "EUR", Count: 3}
	if len(got.Invoices) != 1000 || !got.Truncated || got.Invoices[0] != first || got.Invoices[1].InvoiceID != "I1" || got.Invoices[2].InvoiceID != "I10" {
		t.Fatalf("got %d invoices (truncated %v) starting %+v; want 1000, truncated, starting %+v, I1, I10",
			len(got.Invoices), got.Truncated, got.Invoices[:3], first)
	}
	rows, err := pool.Query(ctx, "EXPLAIN "+pgledger.ChargesQuery, 1001)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(lines, "\n")
	if !strings.Contains(plan, "Index Only Scan using payments_by_invoice") || strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "Sort") {
		t.Fatalf("the charges are not read from the index alone:\n%s", plan)
	}
}
