package invoice_test

import (
	"testing"

	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/invoice/storetest"
)

func TestSeed(t *testing.T) {
	want := map[string]string{"I1": "12.15 EUR", "I2": "10.25 GBP", "I3": "66.13 DKK"}
	seed := invoice.Seed()
	if len(seed) != len(want) {
		t.Fatalf("Seed has %d invoices, want %d", len(seed), len(want))
	}
	for _, inv := range seed {
		if got := inv.Value.String() + " " + inv.Currency; got != want[inv.InvoiceId] || inv.IsPaid {
			t.Errorf("%s = %s paid=%v, want %s unpaid", inv.InvoiceId, got, inv.IsPaid, want[inv.InvoiceId])
		}
	}
}

func TestNewMemoryStoreRefusesBadIDs(t *testing.T) {
	cases := map[string][]invoice.Invoice{
		"duplicate": {{InvoiceId: "A"}, {InvoiceId: "A"}},
		"empty":     {{InvoiceId: ""}},
	}
	for name, invoices := range cases {
		if _, err := invoice.NewMemoryStore(invoices); err == nil {
			t.Errorf("%s id accepted", name)
		}
	}
}

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) invoice.Store {
		s, err := invoice.NewMemoryStore(invoice.Seed())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
