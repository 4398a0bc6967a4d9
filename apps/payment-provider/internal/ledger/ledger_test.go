package ledger_test

import (
	"testing"

	"sre.minikube/apps/payment-provider/internal/ledger"
	"sre.minikube/apps/payment-provider/internal/ledger/ledgertest"
)

func TestMemory(t *testing.T) {
	ledgertest.Run(t, func(*testing.T) ledger.Ledger { return ledger.NewMemory() })
}
