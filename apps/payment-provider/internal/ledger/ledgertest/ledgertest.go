// Package ledgertest holds the behaviour every ledger.Ledger must show, run
// against the memory ledger and the Postgres ledger alike.
package ledgertest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"sre.minikube/apps/common/money"
	"sre.minikube/apps/payment-provider/internal/ledger"
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

	t.Run("charges", func(t *testing.T) {
		l := newLedger(t)
		empty, err := l.Charges(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if empty.Invoices == nil || len(empty.Invoices) != 0 || empty.Truncated {
			t.Fatalf("empty ledger: %+v, want no invoices (an empty list, not nil), not truncated", empty)
		}
		if empty.Store != "memory" && empty.Store != "postgres" {
			t.Fatalf("store %q, want memory or postgres", empty.Store)
		}
		i2Cheaper := ledger.Payment{InvoiceID: "I2", Value: money.FromMinor(500), Currency: "GBP"}
		pay := func(id string) ledger.Payment {
			return ledger.Payment{InvoiceID: id, Value: money.FromMinor(100), Currency: "USD"}
		}
		records := []struct {
			key string
			p   ledger.Payment
		}{
			{"", i2},
			{"", i2Cheaper}, // a second charge; the first one's value is listed
			{"k1", i1},
			{"k1", i1}, // replayed: not a charge
			{"k1", i2}, // refused: the key was used for I1
			{"", pay("a")},
			{"k2", pay("I10")},
			{"k3", pay("B")},
		}
		for n, r := range records {
			if _, _, err := l.Record(ctx, r.key, r.p); err != nil && !errors.Is(err, ledger.ErrKeyReused) {
				t.Fatalf("record %d: %v", n, err)
			}
		}
		charge := func(p ledger.Payment, count int64) ledger.Charge {
			return ledger.Charge{InvoiceID: p.InvoiceID, Value: p.Value, Currency: p.Currency, Count: count}
		}
		// Byte order: upper case before lower case, "I10" before "I2".
		all := []ledger.Charge{charge(pay("B"), 1), charge(i1, 1), charge(pay("I10"), 1), charge(i2, 2), charge(pay("a"), 1)}
		cases := []struct {
			limit         int
			want          []ledger.Charge
			wantTruncated bool
		}{
			{1000, all, false},
			{5, all, false},
			{4, all[:4], true},
			{2, all[:2], true},
			{0, []ledger.Charge{}, true},
		}
		for _, tc := range cases {
			got, err := l.Charges(ctx, tc.limit)
			if err != nil {
				t.Fatalf("limit %d: %v", tc.limit, err)
			}
			if !reflect.DeepEqual(got.Invoices, tc.want) || got.Truncated != tc.wantTruncated || got.Store != empty.Store {
				t.Fatalf("limit %d: %+v\nwant invoices %+v, truncated %v", tc.limit, got, tc.want, tc.wantTruncated)
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
	charges, err := ledgers[0].Charges(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.Charge{{InvoiceID: "I3", Value: p.Value, Currency: p.Currency, Count: 1}}
	if !reflect.DeepEqual(charges.Invoices, want) {
		t.Fatalf("charges %+v, want %+v", charges.Invoices, want)
	}
}
