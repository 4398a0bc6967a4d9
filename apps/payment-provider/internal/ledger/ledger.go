// Package ledger records accepted payments and remembers idempotency keys:
// a payment repeated under the same key is answered, not paid again.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"sre.minikube/apps/common/money"
)

// Payment is one accepted payment of an invoice.
type Payment struct {
	InvoiceID string
	Value     money.Amount
	Currency  string
}

// Charge sums up the accepted payments of one invoice: how many there were
// (replays are answers, not payments, and do not count) and the value and
// currency of the first.
type Charge struct {
	InvoiceID string
	Value     money.Amount
	Currency  string
	Count     int64
}

// Charges lists the charges per invoice of a ledger.
type Charges struct {
	// Store names where the ledger keeps its payments: "memory" or
	// "postgres".
	Store string
	// Invoices holds one Charge per invoice id, in byte order of the ids.
	Invoices []Charge
	// Truncated is true when more invoices were charged than were asked
	// for.
	Truncated bool
}

// ErrKeyReused means the idempotency key was first used for another payment.
var ErrKeyReused = errors.New("idempotency key already used for a different payment")

// Ledger records payments. Implementations are safe for concurrent use.
type Ledger interface {
	// Record records p. With a key, only the first call records: a later
	// call with the same key and the same payment returns the recorded one
	// and replayed=true; with another payment it returns ErrKeyReused. An
	// empty key records every call.
	Record(ctx context.Context, key string, p Payment) (recorded Payment, replayed bool, err error)
	// Charges returns the charges of the limit invoices with the lowest
	// ids (in byte order) and whether more invoices were charged. It only
	// reads.
	Charges(ctx context.Context, limit int) (Charges, error)
	// Ready reports whether the ledger can record (the database answers).
	Ready(ctx context.Context) error
}

// Memory remembers the keys and charges of this process only: each replica
// has its own and a restart forgets them. For one process and tests.
// Besides the keys it holds one Charge per invoice id, so its size grows
// with the number of keys and invoices, not with repeated payments.
type Memory struct {
	mu      sync.Mutex
	keys    map[string]Payment
	charges map[string]Charge
}

var _ Ledger = (*Memory)(nil)

// NewMemory returns an empty in-memory ledger.
func NewMemory() *Memory {
	return &Memory{keys: map[string]Payment{}, charges: map[string]Charge{}}
}

// Record implements Ledger.
func (m *Memory) Record(_ context.Context, key string, p Payment) (Payment, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if key == "" {
		m.charge(p)
		return p, false, nil
	}
	first, seen := m.keys[key]
	if !seen {
		m.keys[key] = p
		m.charge(p)
		return p, false, nil
	}
	if first != p {
		return first, false, fmt.Errorf("key %q: %w", key, ErrKeyReused)
	}
	return first, true, nil
}

// charge counts an accepted payment; m.mu is held.
func (m *Memory) charge(p Payment) {
	c, seen := m.charges[p.InvoiceID]
	if !seen {
		c = Charge{InvoiceID: p.InvoiceID, Value: p.Value, Currency: p.Currency}
	}
	c.Count++
	m.charges[p.InvoiceID] = c
}

// Charges implements Ledger.
func (m *Memory) Charges(_ context.Context, limit int) (Charges, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.charges))
	for id := range m.charges {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := Charges{Store: "memory", Invoices: []Charge{}}
	if limit < 0 {
		limit = 0
	}
	if len(ids) > limit {
		ids, out.Truncated = ids[:limit], true
	}
	for _, id := range ids {
		out.Invoices = append(out.Invoices, m.charges[id])
	}
	return out, nil
}

// Ready implements Ledger: memory is always ready.
func (m *Memory) Ready(context.Context) error { return nil }
