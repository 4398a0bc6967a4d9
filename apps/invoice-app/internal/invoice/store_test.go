package invoice

import (
	"sync"
	"testing"
)

func TestSeed(t *testing.T) {
	want := map[string]string{"I1": "12.15 EUR", "I2": "10.25 GBP", "I3": "66.13 DKK"}
	seed := Seed()
	if len(seed) != len(want) {
		t.Fatalf("Seed has %d invoices, want %d", len(seed), len(want))
	}
	for _, inv := range seed {
		if got := inv.Value.String() + " " + inv.Currency; got != want[inv.InvoiceId] || inv.IsPaid {
			t.Errorf("%s = %s paid=%v, want %s unpaid", inv.InvoiceId, got, inv.IsPaid, want[inv.InvoiceId])
		}
	}
}

func TestNewStoreRefusesDuplicates(t *testing.T) {
	if _, err := NewStore([]Invoice{{InvoiceId: "A"}, {InvoiceId: "A"}}); err == nil {
		t.Fatal("duplicate ids accepted")
	}
	if _, err := NewStore([]Invoice{{InvoiceId: ""}}); err == nil {
		t.Fatal("empty id accepted")
	}
}

func TestClaimSettle(t *testing.T) {
	s, err := NewStore(Seed())
	if err != nil {
		t.Fatal(err)
	}
	claimed := s.ClaimUnpaid()
	if len(claimed) != 3 {
		t.Fatalf("claimed %d, want 3", len(claimed))
	}
	if again := s.ClaimUnpaid(); len(again) != 0 {
		t.Fatalf("claimed invoices handed out twice: %v", again)
	}
	for _, inv := range s.List() {
		if inv.IsPaid {
			t.Fatalf("%s paid while only claimed", inv.InvoiceId)
		}
	}
	if err := s.Settle("I1", true); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle("I2", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle("I1", true); err == nil {
		t.Fatal("settling a paid invoice succeeded")
	}
	if err := s.Settle("nope", true); err == nil {
		t.Fatal("settling an unknown invoice succeeded")
	}
	// I2 failed and is free again; I3 is still claimed; I1 is paid.
	next := s.ClaimUnpaid()
	if len(next) != 1 || next[0].InvoiceId != "I2" {
		t.Fatalf("second claim = %v, want [I2]", next)
	}
	paid := map[string]bool{}
	for _, inv := range s.List() {
		paid[inv.InvoiceId] = inv.IsPaid
	}
	if !paid["I1"] || paid["I2"] || paid["I3"] {
		t.Fatalf("paid = %v, want only I1", paid)
	}
}

func TestConcurrentClaimsHandOutEachInvoiceOnce(t *testing.T) {
	s, err := NewStore(Seed())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for _, inv := range s.ClaimUnpaid() {
				mu.Lock()
				counts[inv.InvoiceId]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, id := range []string{"I1", "I2", "I3"} {
		if counts[id] != 1 {
			t.Errorf("%s claimed %d times, want 1", id, counts[id])
		}
	}
}
