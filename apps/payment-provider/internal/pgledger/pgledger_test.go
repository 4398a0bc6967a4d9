package pgledger_test

import (
	"context"
	"testing"

	"sre.minikube/apps/payment-provider/internal/ledger"
	"sre.minikube/apps/payment-provider/internal/ledger/ledgertest"
	"sre.minikube/apps/payment-provider/internal/pgledger"
	"sre.minikube/apps/payment-provider/internal/pgtest"
)

func open(t *testing.T, dsn string) *pgledger.Ledger {
	t.Helper()
	l := pgledger.New(pgtest.Open(t, dsn))
	if _, err := l.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLedgerContract(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) ledger.Ledger { return open(t, pgtest.NewDatabase(t)) })
}

// Replicas share the keys: the same key sent to three replicas at once is
// paid once.
func TestKeysAreSharedByReplicas(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ledgertest.ConcurrentRecords(t, []ledger.Ledger{open(t, dsn), open(t, dsn), open(t, dsn)}, 5)
}
