// Package storetest holds the behaviour every invoice.Store must show, run
// against the memory store and the Postgres store alike.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"sre.minikube/apps/invoice-app/internal/invoice"
)

// Run runs the contract against stores made by newStore, each holding the
// seeded invoices, all unpaid.
func Run(t *testing.T, newStore func(t *testing.T) invoice.Store) {
	ctx := context.Background()
	t.Run("lists the seed in order", func(t *testing.T) {
		got, err := newStore(t).List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := invoice.Seed()
		if len(got) != len(want) {
			t.Fatalf("List = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("invoice %d = %+v, want %+v", i, got[i], want[i])
			}
		}
	})

	t.Run("claims each invoice once", func(t *testing.T) {
		s := newStore(t)
		seen := map[string]invoice.Claim{}
		for {
			c, ok, err := s.ClaimNext(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			if _, dup := seen[c.Invoice.InvoiceId]; dup {
				t.Fatalf("%s claimed twice", c.Invoice.InvoiceId)
			}
			if c.PaymentKey == "" || c.Token == "" || c.Recovered {
				t.Fatalf("claim %+v: want a key and a token, not recovered", c)
			}
			seen[c.Invoice.InvoiceId] = c
		}
		if len(seen) != 3 {
			t.Fatalf("claimed %d invoices, want 3", len(seen))
		}
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range list {
			if inv.IsPaid {
				t.Errorf("%s paid while only claimed", inv.InvoiceId)
			}
		}
	})

	t.Run("settles paid and unpaid", func(t *testing.T) {
		s := newStore(t)
		first := claim(t, s, nil)
		second := claim(t, s, []string{first.Invoice.InvoiceId})
		if err := s.Settle(ctx, first, true); err != nil {
			t.Fatal(err)
		}
		if err := s.Settle(ctx, second, false); err != nil {
			t.Fatal(err)
		}
		paid := paidSet(t, s)
		if !paid[first.Invoice.InvoiceId] || paid[second.Invoice.InvoiceId] {
			t.Fatalf("paid = %v; want %s only", paid, first.Invoice.InvoiceId)
		}
		// The unpaid one is free again, with the same payment key.
		again := claim(t, s, nil)
		if again.Invoice.InvoiceId != second.Invoice.InvoiceId || again.PaymentKey != second.PaymentKey {
			t.Fatalf("reclaimed %s key %s; want %s key %s", again.Invoice.InvoiceId, again.PaymentKey, second.Invoice.InvoiceId, second.PaymentKey)
		}
		if again.Token == second.Token {
			t.Fatal("a new claim reuses the old token")
		}
		// The old claim is stale: releasing it again is refused.
		if err := s.Settle(ctx, second, false); !errors.Is(err, invoice.ErrClaimLost) {
			t.Fatalf("settling a stale claim unpaid = %v, want ErrClaimLost", err)
		}
	})

	t.Run("skips the given ids", func(t *testing.T) {
		s := newStore(t)
		c := claim(t, s, []string{"I1", "I2"})
		if c.Invoice.InvoiceId != "I3" {
			t.Fatalf("claimed %s, want I3", c.Invoice.InvoiceId)
		}
		if _, ok, err := s.ClaimNext(ctx, []string{"I1", "I2"}); ok || err != nil {
			t.Fatalf("ClaimNext = %v, %v; want nothing left", ok, err)
		}
	})

	t.Run("payment keys differ per invoice", func(t *testing.T) {
		s := newStore(t)
		keys := map[string]bool{}
		for range 3 {
			keys[claim(t, s, nil).PaymentKey] = true
		}
		if len(keys) != 3 {
			t.Fatalf("payment keys %v; want 3 distinct", keys)
		}
	})

	t.Run("concurrent claims hand out each invoice once", func(t *testing.T) {
		ConcurrentClaims(t, []invoice.Store{newStore(t)}, 12)
	})

	t.Run("keys are well formed", func(t *testing.T) {
		s := newStore(t)
		for range 3 {
			if c := claim(t, s, nil); !invoice.KeyFormat.MatchString(c.PaymentKey) {
				t.Errorf("%s has payment key %q; want one matching %s", c.Invoice.InvoiceId, c.PaymentKey, invoice.KeyFormat)
			}
		}
	})

	t.Run("a rejected invoice is reported and never claimed again", func(t *testing.T) {
		s := newStore(t)
		c := claim(t, s, []string{"I1", "I3"})
		const reason = "payment-provider refused it as malformed: invalid id"
		if err := s.Reject(ctx, c, reason); err != nil {
			t.Fatal(err)
		}
		if err := s.Reject(ctx, c, reason); !errors.Is(err, invoice.ErrClaimLost) {
			t.Fatalf("rejecting again = %v, want ErrClaimLost", err)
		}
		if _, ok, err := s.ClaimNext(ctx, []string{"I1", "I3"}); ok || err != nil {
			t.Fatalf("ClaimNext = %v, %v; want the rejected invoice left alone", ok, err)
		}
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range list {
			want := ""
			if inv.InvoiceId == "I2" {
				want = reason
			}
			if inv.PaymentError != want || inv.IsPaid {
				t.Errorf("%s: PaymentError %q, paid %v; want %q, unpaid", inv.InvoiceId, inv.PaymentError, inv.IsPaid, want)
			}
		}
	})

	t.Run("ready", func(t *testing.T) {
		if err := newStore(t).Ready(ctx); err != nil {
			t.Fatalf("Ready = %v", err)
		}
	})
}

// ConcurrentClaims claims from every store (replicas of one database, or
// one store) with claimers goroutines each at once, and fails unless each
// seeded invoice was handed out exactly once.
func ConcurrentClaims(t *testing.T, stores []invoice.Store, claimers int) {
	t.Helper()
	var mu sync.Mutex
	count := map[string]int{}
	var wg sync.WaitGroup
	for _, s := range stores {
		for range claimers {
			wg.Go(func() {
				c, ok, err := s.ClaimNext(context.Background(), nil)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					count[c.Invoice.InvoiceId]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if len(count) != 3 || count["I1"] != 1 || count["I2"] != 1 || count["I3"] != 1 {
		t.Fatalf("claims per invoice = %v; want each of I1, I2, I3 once", count)
	}
}

func claim(t *testing.T, s invoice.Store, skip []string) invoice.Claim {
	t.Helper()
	c, ok, err := s.ClaimNext(context.Background(), skip)
	if err != nil || !ok {
		t.Fatalf("ClaimNext = %v, %v; want a claim", ok, err)
	}
	return c
}

func paidSet(t *testing.T, s invoice.Store) map[string]bool {
	t.Helper()
	list, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, inv := range list {
		out[inv.InvoiceId] = inv.IsPaid
	}
	return out
}
