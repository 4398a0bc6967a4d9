package invoice

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

type entry struct {
	invoice    Invoice
	paymentKey string
	claimToken string // empty when unclaimed
}

// MemoryStore keeps the invoices in this process only: each replica has its
// own list and a restart forgets what was paid. For one process and tests.
type MemoryStore struct {
	mu      sync.Mutex
	entries []entry
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns a store holding copies of the given invoices, in
// order, each with a fresh payment key.
func NewMemoryStore(invoices []Invoice) (*MemoryStore, error) {
	s := &MemoryStore{}
	seen := make(map[string]bool, len(invoices))
	for _, inv := range invoices {
		if inv.InvoiceId == "" || seen[inv.InvoiceId] {
			return nil, fmt.Errorf("invoice id %q is empty or duplicated", inv.InvoiceId)
		}
		seen[inv.InvoiceId] = true
		s.entries = append(s.entries, entry{invoice: inv, paymentKey: NewToken()})
	}
	return s, nil
}

// List implements Store.
func (s *MemoryStore) List(context.Context) ([]Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Invoice, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, e.invoice)
	}
	return out, nil
}

// ClaimNext implements Store.
func (s *MemoryStore) ClaimNext(_ context.Context, skip []string) (Claim, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.entries {
		e := &s.entries[i]
		if e.invoice.IsPaid || e.invoice.PaymentError != "" || e.claimToken != "" || slices.Contains(skip, e.invoice.InvoiceId) {
			continue
		}
		e.claimToken = NewToken()
		return Claim{Invoice: e.invoice, PaymentKey: e.paymentKey, Token: e.claimToken}, true, nil
	}
	return Claim{}, false, nil
}

// find returns the entry of the invoice id, or nil; the caller holds s.mu.
func (s *MemoryStore) find(id string) *entry {
	i := slices.IndexFunc(s.entries, func(e entry) bool { return e.invoice.InvoiceId == id })
	if i < 0 {
		return nil
	}
	return &s.entries[i]
}

// Settle implements Store.
func (s *MemoryStore) Settle(_ context.Context, c Claim, paid bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(c.Invoice.InvoiceId)
	if e == nil {
		return fmt.Errorf("settle %q: no such invoice", c.Invoice.InvoiceId)
	}
	if paid {
		e.invoice.IsPaid = true
		e.claimToken = ""
		return nil
	}
	if e.claimToken != c.Token {
		return fmt.Errorf("settle %q: %w", c.Invoice.InvoiceId, ErrClaimLost)
	}
	e.claimToken = ""
	return nil
}

// Reject implements Store.
func (s *MemoryStore) Reject(_ context.Context, c Claim, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(c.Invoice.InvoiceId)
	if e == nil {
		return fmt.Errorf("reject %q: no such invoice", c.Invoice.InvoiceId)
	}
	if e.claimToken != c.Token || e.invoice.IsPaid {
		return fmt.Errorf("reject %q: %w", c.Invoice.InvoiceId, ErrClaimLost)
	}
	e.invoice.PaymentError = reason
	e.claimToken = ""
	return nil
}

// Ready implements Store: memory is always ready.
func (s *MemoryStore) Ready(context.Context) error { return nil }
