// Package invoice keeps the invoices in memory and guarantees that each one
// is handed out for payment at most once at a time and marked paid once.
package invoice

import (
	"fmt"
	"slices"
	"sync"

	"sre.minikube/apps/invoice-app/internal/money"
)

// Invoice is the public JSON shape users script against: the field names
// are the contract and must not change.
type Invoice struct {
	InvoiceId string       `json:"InvoiceId"` //nolint:revive // the JSON contract spells it so
	Value     money.Amount `json:"Value"`
	Currency  string       `json:"Currency"`
	IsPaid    bool         `json:"IsPaid"`
}

// Seed returns the invoices the service starts with.
func Seed() []Invoice {
	return []Invoice{
		{InvoiceId: "I1", Value: money.FromMinor(1215), Currency: "EUR"},
		{InvoiceId: "I2", Value: money.FromMinor(1025), Currency: "GBP"},
		{InvoiceId: "I3", Value: money.FromMinor(6613), Currency: "DKK"},
	}
}

type state int

const (
	unpaid state = iota
	claimed
	paid
)

type entry struct {
	invoice Invoice
	state   state
}

// Store is safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	entries []entry
}

// NewStore returns a store holding copies of the given invoices, in order.
func NewStore(invoices []Invoice) (*Store, error) {
	s := &Store{}
	seen := make(map[string]bool, len(invoices))
	for _, inv := range invoices {
		if inv.InvoiceId == "" || seen[inv.InvoiceId] {
			return nil, fmt.Errorf("invoice id %q is empty or duplicated", inv.InvoiceId)
		}
		seen[inv.InvoiceId] = true
		st := unpaid
		if inv.IsPaid {
			st = paid
		}
		s.entries = append(s.entries, entry{invoice: inv, state: st})
	}
	return s, nil
}

// List returns a snapshot of all invoices; a claimed invoice is still unpaid.
func (s *Store) List() []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Invoice, 0, len(s.entries))
	for _, e := range s.entries {
		inv := e.invoice
		inv.IsPaid = e.state == paid
		out = append(out, inv)
	}
	return out
}

// ClaimUnpaid hands out every unpaid invoice that no other caller is paying
// right now. The caller must Settle each one it got.
func (s *Store) ClaimUnpaid() []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Invoice
	for i := range s.entries {
		if s.entries[i].state == unpaid {
			s.entries[i].state = claimed
			out = append(out, s.entries[i].invoice)
		}
	}
	return out
}

// Settle ends a claim: the invoice becomes paid when the payment succeeded,
// or unpaid again (free to claim) when it failed.
func (s *Store) Settle(id string, succeeded bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.entries, func(e entry) bool { return e.invoice.InvoiceId == id })
	if i < 0 {
		return fmt.Errorf("settle %q: no such invoice", id)
	}
	if s.entries[i].state != claimed {
		return fmt.Errorf("settle %q: invoice is not claimed", id)
	}
	if succeeded {
		s.entries[i].state = paid
	} else {
		s.entries[i].state = unpaid
	}
	return nil
}
