// Package invoice defines the invoices, the store contract every backend
// honours, and the in-memory store used when no database is configured.
package invoice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"regexp"

	"sre.minikube/apps/common/money"
)

// Invoice is the public JSON shape users script against: the field names
// are the contract and must not change.
type Invoice struct {
	InvoiceId string       `json:"InvoiceId"` //nolint:revive // the JSON contract spells it so
	Value     money.Amount `json:"Value"`
	Currency  string       `json:"Currency"`
	IsPaid    bool         `json:"IsPaid"`
	// PaymentError is set when payment-provider refused the invoice as
	// malformed: it will never be paid, and no run tries it again.
	PaymentError string `json:"PaymentError,omitempty"`
}

// Seed returns the invoices the service starts with. The Postgres store
// inserts the same three in a migration (a test holds the two together).
func Seed() []Invoice {
	return []Invoice{
		{InvoiceId: "I1", Value: money.FromMinor(1215), Currency: "EUR"},
		{InvoiceId: "I2", Value: money.FromMinor(1025), Currency: "GBP"},
		{InvoiceId: "I3", Value: money.FromMinor(6613), Currency: "DKK"},
	}
}

// Claim is the right to pay one invoice, handed to one pay run at a time.
type Claim struct {
	Invoice Invoice
	// PaymentKey is the invoice's idempotency key at payment-provider: the
	// same for every attempt to pay this invoice, on any replica.
	PaymentKey string
	// Token identifies this claim; settling with a stale token is refused.
	Token string
	// Recovered is true when the claim was taken over from a run that did
	// not settle it in time (a replica that died mid-payment).
	Recovered bool
}

// KeyFormat is what a payment key must look like: what payment-provider
// takes as an Idempotency-Key, and long enough to be unique (a random
// UUID or NewToken). The Postgres store holds the same rule in a CHECK.
var KeyFormat = regexp.MustCompile(`\A[A-Za-z0-9._:-]{16,128}\z`)

// ErrClaimLost means the claim expired and another run took the invoice.
var ErrClaimLost = errors.New("the claim expired and another run took the invoice")

// Store keeps the invoices. Implementations are safe for concurrent use.
type Store interface {
	// List returns every invoice in seed order; a claimed invoice is unpaid.
	List(ctx context.Context) ([]Invoice, error)
	// ClaimNext claims one unpaid invoice that nobody is paying, skipping the
	// given ids; ok is false when there is none.
	ClaimNext(ctx context.Context, skip []string) (c Claim, ok bool, err error)
	// Settle ends a claim: paid marks the invoice paid (whoever holds it
	// now: the provider said it is paid); otherwise the invoice is free to
	// claim again. Settling unpaid a claim that was lost returns ErrClaimLost.
	Settle(ctx context.Context, c Claim, paid bool) error
	// Reject ends a claim for good: payment-provider refused the invoice as
	// malformed, reason says why (shown as its PaymentError), and no run
	// claims it again. A claim that was lost returns ErrClaimLost.
	Reject(ctx context.Context, c Claim, reason string) error
	// Ready reports whether the store can serve (the database answers).
	Ready(ctx context.Context) error
}

// NewToken returns a random identifier (32 hex digits) for claims and keys.
func NewToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
