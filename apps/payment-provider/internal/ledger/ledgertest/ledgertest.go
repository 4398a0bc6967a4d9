// Package ledgertest holds the behaviour every ledger.Ledger must show, run
// against the memory ledger and the Postgres ledger alike.
package ledgertest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"sre.minikube/apps/payment-provider/internal/ledger"
	"sre.minikube/apps/payment-provider/internal/money"
)

// Run runs the contract against empty ledgers made by newLedger.
func Run(t *testing.T, newLedger func(t *testing.T) ledger.Ledger) {
	ctx := context.Background()
	i1 := ledger.Payment{InvoiceID: "I1", Value: money.FromMinor(1215), Currency: "EUR"}
	i2 := ledger.Payment{InvoiceID: "I2", Value: money.FromMinor(1025), Currency: "GBP"}

	t.Run("keys", func(t *testing.T) {
		l := newLedger(t)
		steps := []struct {
			key          string
			p            ledger.Payment
			wantReplayed bool
			wantErr      error
		}{
			{"", i1, false, nil},
			{"", i1, false, nil},
			{"k1", i1, false, nil},
			{"k1", i1, true, nil},
			{"k1", i2, false, ledger.ErrKeyReused},
			{"k2", i1, false, nil},
			{"k1", i1, true, nil},
		}
		for n, s := range steps {
			got, replayed, err := l.Record(ctx, s.key, s.p)
			if replayed != s.wantReplayed || !errors.Is(err, s.wantErr) {
				t.Fatalf("step %d (key %q, %s): replayed=%v err=%v; want %v, %v", n, s.key, s.p.InvoiceID, replayed, err, s.wantReplayed, s.wantErr)
			}
			if s.wantErr == nil && got != s.p {
				t.Fatalf("step %d: recorded %+v, want %+v", n, got, s.p)
			}
		}
	})

	t.Run("one key recorded once under concurrency", func(t *testing.T) {
		ConcurrentRecords(t, []ledger.Ledger{newLedger(t)}, 16)
	})

	t.Run("ready", func(t *testing.T) {
		if err := newLedger(t).Ready(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// ConcurrentRecords records one payment under one key from every ledger
// (replicas on one database, or one ledger) with callers goroutines each
// at once, and fails unless exactly one call recorded it.
func ConcurrentRecords(t *testing.T, ledgers []ledger.Ledger, callers int) {
	t.Helper()
	p := ledger.Payment{InvoiceID: "I3", Value: money.FromMinor(6613), Currency: "DKK"}
	var mu sync.Mutex
	fresh := 0
	var wg sync.WaitGroup
	for _, l := range ledgers {
		for range callers {
			wg.Go(func() {
				_, replayed, err := l.Record(context.Background(), "key-I3", p)
				if err != nil {
					t.Error(err)
					return
				}
				if !replayed {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if fresh != 1 {
		t.Fatalf("%d calls recorded the payment, want 1", fresh)
	}
}
