package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"sre.minikube/apps/common/money"
	"sre.minikube/apps/payment-provider/internal/ledger"
)

func list(t *testing.T, h http.Handler) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/payments", nil))
	return rec.Code, rec.Header().Get("Content-Type"), strings.TrimSpace(rec.Body.String())
}

// GET /payments counts the payments accepted per invoice; replays and
// refused payments are not charges.
func TestListPayments(t *testing.T) {
	type call struct{ key, body string }
	cases := []struct {
		name  string
		calls []call
		want  string
	}{
		{"nothing paid: an empty list", nil,
			`{"store":"memory","payments":[]}`},
		{"paid once", []call{{"k1", payI1}},
			`{"store":"memory","payments":[{"id":"I1","value":12.15,"currency":"EUR","count":1}]}`},
		{"charged twice without a key", []call{{"-", payI1}, {"-", payI1}},
			`{"store":"memory","payments":[{"id":"I1","value":12.15,"currency":"EUR","count":2}]}`},
		{"replayed with the same key: charged once", []call{{"k1", payI1}, {"k1", payI1}, {"k1", payI1}},
			`{"store":"memory","payments":[{"id":"I1","value":12.15,"currency":"EUR","count":1}]}`},
		{"same invoice, two keys: charged twice", []call{{"k1", payI1}, {"k2", payI1}},
			`{"store":"memory","payments":[{"id":"I1","value":12.15,"currency":"EUR","count":2}]}`},
		{"refused payments are not charges", []call{
			{"k1", payI1},
			{"k1", payI2}, // 422: the key was used for I1
			{"-", `{"id":"I2","value":0,"currency":"GBP"}`},
			{"bad key", payI2},
		}, `{"store":"memory","payments":[{"id":"I1","value":12.15,"currency":"EUR","count":1}]}`},
		{"the first payment's value and currency", []call{{"-", `{"id":"I1","value":7.5,"currency":"USD"}`}, {"-", payI1}},
			`{"store":"memory","payments":[{"id":"I1","value":7.50,"currency":"USD","count":2}]}`},
		{"sorted by id", []call{
			{"k3", `{"id":"I3","value":66.13,"currency":"DKK"}`},
			{"k2", payI2},
			{"k1", payI1},
			{"k10", `{"id":"I10","value":1,"currency":"EUR"}`},
		}, `{"store":"memory","payments":[` +
			`{"id":"I1","value":12.15,"currency":"EUR","count":1},` +
			`{"id":"I10","value":1.00,"currency":"EUR","count":1},` +
			`{"id":"I2","value":10.25,"currency":"GBP","count":1},` +
			`{"id":"I3","value":66.13,"currency":"DKK","count":1}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newHandler(t, true)
			for _, c := range tc.calls {
				post(h, c.key, "application/json", c.body)
			}
			code, contentType, body := list(t, h)
			if code != http.StatusOK || !strings.HasPrefix(contentType, "application/json") || body != tc.want {
				t.Fatalf("= %d %q %s\nwant 200 application/json %s", code, contentType, body, tc.want)
			}
		})
	}
}

// At most MaxListedInvoices invoices are listed, the lowest ids, and the
// answer says more were charged.
func TestListPaymentsIsBounded(t *testing.T) {
	cases := []struct {
		invoices      int
		wantListed    int
		wantTruncated bool
	}{
		{MaxListedInvoices - 1, MaxListedInvoices - 1, false},
		{MaxListedInvoices, MaxListedInvoices, false},
		{MaxListedInvoices + 1, MaxListedInvoices, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.invoices), func(t *testing.T) {
			l := ledger.NewMemory()
			for i := range tc.invoices {
				p := ledger.Payment{InvoiceID: fmt.Sprintf("I%05d", i), Value: money.FromMinor(100), Currency: "EUR"}
				if _, _, err := l.Record(context.Background(), "", p); err != nil {
					t.Fatal(err)
				}
			}
			var ready atomic.Bool
			ready.Store(true)
			h := New(l, slog.New(slog.DiscardHandler)).Handler(&ready)
			code, body := do(t, h, http.MethodGet, "/payments", "")
			listed, _ := body["payments"].([]any)
			truncated, hasTruncated := body["truncated"]
			if code != 200 || len(listed) != tc.wantListed || hasTruncated != tc.wantTruncated || (hasTruncated && truncated != true) {
				t.Fatalf("= %d, %d listed, truncated %v; want 200, %d, truncated only when more", code, len(listed), truncated, tc.wantListed)
			}
			last, _ := listed[len(listed)-1].(map[string]any)
			if want := fmt.Sprintf("I%05d", tc.wantListed-1); last["id"] != want {
				t.Fatalf("last listed %v, want %s", last["id"], want)
			}
		})
	}
}

// A database that does not answer gets 503 with a fixed reason, not the
// error, and a log line with it.
func TestListPaymentsLedgerDown(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	logs := &strings.Builder{}
	h := New(downLedger{}, slog.New(slog.NewJSONHandler(logs, nil))).Handler(&ready)
	code, contentType, body := list(t, h)
	want := `{"error":"payments not readable, try again later"}`
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(contentType, "application/json") || body != want {
		t.Fatalf("= %d %q %s; want 503 %s", code, contentType, body, want)
	}
	if !strings.Contains(logs.String(), `"msg":"payments not listed","error":"`+errDB.Error()) {
		t.Fatalf("no log line with the cause in:\n%s", logs)
	}
}
