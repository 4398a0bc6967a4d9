package pgstore_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"sre.minikube/apps/common/pgtest"
	"sre.minikube/apps/common/postgres"
	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/invoice/storetest"
	"sre.minikube/apps/invoice-app/internal/pgstore"
)

func TestMigrationsAreVersioned(t *testing.T) {
	migrations, err := pgstore.New(nil, time.Second).Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, m := range migrations {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d; want consecutive versions from 1", i, m.Version)
		}
		names = append(names, m.Name)
	}
	if !slices.Equal(names, []string{"invoices", "seed_invoices", "payment_key_format", "invoice_rejections"}) {
		t.Fatalf("migrations = %v", names)
	}
}

func migrated(t *testing.T, dsn string, claimTimeout time.Duration) *pgstore.Store {
	t.Helper()
	s := pgstore.New(pgtest.Open(t, dsn), claimTimeout)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) invoice.Store {
		return migrated(t, pgtest.NewDatabase(t), time.Minute)
	})
}

// Replicas starting at once: each migration is applied once, and the seed
// is inserted once.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	const replicas = 5
	applied := make([][]int, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		s := pgstore.New(pgtest.Open(t, dsn), time.Minute)
		wg.Go(func() {
			var err error
			if applied[i], err = s.Migrate(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var total []int
	for _, versions := range applied {
		total = append(total, versions...)
	}
	slices.Sort(total)
	if !slices.Equal(total, []int{1, 2, 3, 4}) {
		t.Fatalf("versions applied across replicas = %v; want 1 to 4 once each", applied)
	}
	list, err := migrated(t, dsn, time.Minute).List(context.Background())
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v; want the 3 seeded invoices", list, err)
	}
}

// Several replicas (pools) claiming at once never share an invoice.
func TestClaimsAcrossReplicas(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	migrated(t, dsn, time.Minute)
	var replicas []invoice.Store
	for range 3 {
		replicas = append(replicas, pgstore.New(pgtest.Open(t, dsn), time.Minute))
	}
	storetest.ConcurrentClaims(t, replicas, 4)
}

// A claim that is not settled in time (its replica died) is taken over,
// with the same payment key, so the provider can tell it is a retry.
func TestExpiredClaimIsRecovered(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	dead := migrated(t, dsn, 300*time.Millisecond)
	orphan, ok, err := dead.ClaimNext(ctx, []string{"I2", "I3"})
	if err != nil || !ok {
		t.Fatalf("ClaimNext = %v, %v", ok, err)
	}
	survivor := pgstore.New(pgtest.Open(t, dsn), time.Minute)
	if _, ok, err := survivor.ClaimNext(ctx, []string{"I2", "I3"}); ok || err != nil {
		t.Fatalf("a live claim was handed out again (ok=%v, err=%v)", ok, err)
	}
	var taken invoice.Claim
	deadline := time.Now().Add(5 * time.Second)
	for {
		taken, ok, err = survivor.ClaimNext(ctx, []string{"I2", "I3"})
		if err != nil {
			t.Fatal(err)
		}
		if ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !ok || !taken.Recovered || taken.PaymentKey != orphan.PaymentKey || taken.Token == orphan.Token {
		t.Fatalf("recovered claim %+v (ok=%v); orphan %+v", taken, ok, orphan)
	}
	// The dead replica's claim is stale: it cannot release the invoice...
	if err := dead.Settle(ctx, orphan, false); !errors.Is(err, invoice.ErrClaimLost) {
		t.Fatalf("stale release = %v, want ErrClaimLost", err)
	}
	// ...but a payment the provider confirmed is recorded whoever holds it.
	if err := dead.Settle(ctx, orphan, true); err != nil {
		t.Fatal(err)
	}
	if err := survivor.Settle(ctx, taken, true); err != nil {
		t.Fatal(err)
	}
	list, err := survivor.List(ctx)
	if err != nil || !list[0].IsPaid || list[1].IsPaid {
		t.Fatalf("List = %+v, %v; want I1 paid only", list, err)
	}
}

func TestReady(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := pgstore.New(pgtest.Open(t, dsn), time.Minute)
	if err := s.Ready(ctx); !errors.Is(err, postgres.ErrNotMigrated) {
		t.Fatalf("Ready before migrating = %v, want ErrNotMigrated", err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready = %v", err)
	}
}

func TestUnreachableDatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens, the connection is refused at once.
	s := pgstore.New(pgtest.Open(t, "postgres://app:secret@127.0.0.1:1/invoices"), time.Minute)
	if _, err := s.Migrate(ctx); err == nil {
		t.Fatal("Migrate succeeded without a database")
	}
	if err := s.Ready(ctx); err == nil {
		t.Fatal("Ready without a database")
	}
	if _, err := s.List(ctx); err == nil {
		t.Fatal("List succeeded without a database")
	}
}

// validKey is the rule of a payment key (invoice.KeyFormat), written out.
var validKey = regexp.MustCompile(`\A[A-Za-z0-9._:-]{16,128}\z`)

// badKeys are payment keys the database refuses: an empty key was sent as
// no Idempotency-Key at all (paid again on every replay), the others are
// refused by payment-provider or too short to be unique.
var badKeys = map[string]string{
	"empty":            "",
	"too short":        "k-1",
	"space":            "INV 2026 001 key 0123456789",
	"trailing newline": "0123456789abcdef0123456789abcdef\n",
	"not ASCII":        "Ünï0123456789abcdef0123456789",
	"too long":         strings.Repeat("k", 129),
	"slash":            "0123456789abcdef/0123456789abcdef",
}

// The database refuses an invoice whose payment key is empty or
// malformed, whoever writes it.
func TestPaymentKeyIsChecked(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	migrated(t, dsn, time.Minute)
	pool := pgtest.Open(t, dsn)
	for name, key := range badKeys {
		t.Run(name, func(t *testing.T) {
			_, err := pool.Exec(ctx, `INSERT INTO invoices (id, value_minor, currency, payment_key) VALUES ($1, 100, 'EUR', $2)`, "X-"+name, key)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "23514" || pgErr.ConstraintName != "invoices_payment_key_format" {
				t.Fatalf("INSERT with key %q = %v; want a check violation of invoices_payment_key_format", key, err)
			}
			_, err = pool.Exec(ctx, `UPDATE invoices SET payment_key = $1 WHERE id = 'I1'`, key)
			if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
				t.Fatalf("UPDATE to key %q = %v; want a check violation", key, err)
			}
		})
	}
	for _, key := range []string{"0f5c3e2a-7b1d-4c8e-9a6f-2d4b8e1c0a93", "0123456789abcdef0123456789abcdef", strings.Repeat("k", 128)} {
		if _, err := pool.Exec(ctx, `INSERT INTO invoices (id, value_minor, currency, payment_key) VALUES ($1, 100, 'EUR', $2)`, "ok-"+key[:8], key); err != nil {
			t.Errorf("INSERT with key %q: %v", key, err)
		}
	}
}

// Rows written before the check with an empty or malformed key get a
// fresh, valid and distinct key from the migration; valid keys stay.
func TestPaymentKeyMigrationFixesExistingRows(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	pool := pgtest.Open(t, dsn)
	store := pgstore.New(pool, time.Minute)
	migrations, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Migrate(ctx, pool, "invoice-app", migrations[:2]); err != nil {
		t.Fatal(err)
	}
	var seeded string
	if err := pool.QueryRow(ctx, `SELECT payment_key FROM invoices WHERE id = 'I1'`).Scan(&seeded); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for name, key := range badKeys {
		id := "old-" + strings.ReplaceAll(name, " ", "-")
		ids = append(ids, id)
		if _, err := pool.Exec(ctx, `INSERT INTO invoices (id, value_minor, currency, payment_key) VALUES ($1, 100, 'EUR', $2)`, id, key); err != nil {
			t.Fatal(err)
		}
	}
	// A paid one too: the key of a paid invoice must be valid all the same.
	if _, err := pool.Exec(ctx, `UPDATE invoices SET paid_at = now() WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatalf("migrating rows with bad keys: %v", err)
	}
	keys := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT id, payment_key FROM invoices`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, key string
		if err := rows.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		keys[id] = key
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for id, key := range keys {
		if !validKey.MatchString(key) || seen[key] {
			t.Errorf("invoice %s has key %q after the migration; want a valid, distinct key", id, key)
		}
		seen[key] = true
	}
	if keys["I1"] != seeded {
		t.Errorf("the valid key of I1 changed: %q, was %q", keys["I1"], seeded)
	}
}
