// Package ledger records accepted payments and remembers idempotency keys:
// a payment repeated under the same key is answered, not paid again.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"sre.minikube/apps/payment-provider/internal/money"
)

// Payment is one accepted payment of an invoice.
type Payment struct {
	InvoiceID string
	Value     money.Amount
	Currency  string
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
	// Ready reports whether the ledger can record (the database answers).
	Ready(ctx context.Context) error
}

// Memory remembers the keys of this process only: each replica has its own
// and a restart forgets them. For one process and tests.
type Memory struct {
	mu   sync.Mutex
	keys map[string]Payment
}

var _ Ledger = (*Memory)(nil)

// NewMemory returns an empty in-memory ledger.
func NewMemory() *Memory { return &Memory{keys: map[string]Payment{}} }

// Record implements Ledger.
func (m *Memory) Record(_ context.Context, key string, p Payment) (Payment, bool, error) {
	if key == "" {
		return p, false, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	first, seen := m.keys[key]
	if !seen {
		m.keys[key] = p
		return p, false, nil
	}
	if first != p {
		return first, false, fmt.Errorf("key %q: %w", key, ErrKeyReused)
	}
	return first, true, nil
}

// Ready implements Ledger: memory is always ready.
func (m *Memory) Ready(context.Context) error { return nil }
