package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"sre.minikube/apps/common/pgtest"
	"sre.minikube/apps/invoice-app/internal/config"
)

// providerID is payment-provider's rule for invoice ids and keys.
var providerID = regexp.MustCompile(`\A[A-Za-z0-9._:-]{1,128}\z`)

// refusingProvider answers as payment-provider does: 400 for an id or a
// key outside its rule, 200 otherwise; it counts the calls per id and the
// calls without a key.
type refusingProvider struct {
	mu      sync.Mutex
	calls   map[string]int
	keyless int
}

func (p *refusingProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID string `json:"id"`
	}
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &req)
	p.mu.Lock()
	p.calls[req.ID]++
	key, sent := r.Header[http.CanonicalHeaderKey("Idempotency-Key")]
	if !sent {
		p.keyless++
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case sent && (len(key) != 1 || !providerID.MatchString(key[0])):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"invalid Idempotency-Key: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"}`)
	case !providerID.MatchString(req.ID):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"invalid id: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"}`)
	default:
		_, _ = io.WriteString(w, `{"id":"`+req.ID+`"}`)
	}
}

// On Postgres, with the service as main builds it: an invoice with an
// empty payment key cannot be stored (it would be paid with no key at
// all), and invoices whose ids the provider refuses are rejected for good
// with the provider's reason, reported, and never sent again.
func TestMoneyGuardsOnPostgres(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Open(t, pgtest.NewDatabase(t))
	provider := &refusingProvider{calls: map[string]int{}}
	providerSrv := httptest.NewServer(provider)
	t.Cleanup(providerSrv.Close)
	u, err := url.Parse(providerSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{PaymentProviderURL: u, PaymentTimeout: time.Second, ClaimTimeout: time.Minute}
	svc, err := build(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)), pool)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Schema.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	_, err = pool.Exec(ctx, `INSERT INTO invoices (id, value_minor, currency, payment_key) VALUES ('EMPTYKEY', 500, 'EUR', '')`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
		t.Errorf("an invoice with an empty payment key was stored (err %v); want a check violation", err)
	}
	refused := []string{"INV 2026/001", strings.Repeat("x", 129), "Ünï"}
	for _, id := range refused {
		if _, err := pool.Exec(ctx, `INSERT INTO invoices (id, value_minor, currency) VALUES ($1, 700, 'EUR')`, id); err != nil {
			t.Fatal(err)
		}
	}

	var ready atomic.Bool
	ready.Store(true)
	handler := svc.Handler(&ready)
	do := func(method, path string) (int, []byte) {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	type failure struct {
		ID        string `json:"id"`
		Error     string `json:"error"`
		Permanent bool   `json:"permanent"`
	}
	var first struct {
		Paid   []string  `json:"paid"`
		Failed []failure `json:"failed"`
	}
	code, body := do(http.MethodPost, "/invoices/pay")
	if err := json.Unmarshal(body, &first); err != nil || code != http.StatusBadGateway || len(first.Failed) != len(refused) {
		t.Fatalf("first pay = %d %s; want 502 with the %d refused ids failed", code, body, len(refused))
	}
	for i, fl := range first.Failed {
		if fl.ID != refused[i] || !fl.Permanent || !strings.Contains(fl.Error, "invalid id") {
			t.Errorf("failure %+v; want %q, permanent, with the provider's reason", fl, refused[i])
		}
	}
	var later struct {
		Failed   []failure `json:"failed"`
		Rejected []failure `json:"rejected"`
	}
	code, body = do(http.MethodPost, "/invoices/pay")
	if err := json.Unmarshal(body, &later); err != nil || code != http.StatusOK || len(later.Failed) != 0 || len(later.Rejected) != len(refused) {
		t.Fatalf("second pay = %d %s; want 200 listing the %d refused ids as rejected", code, body, len(refused))
	}
	provider.mu.Lock()
	for _, id := range refused {
		if provider.calls[id] != 1 {
			t.Errorf("%q sent %d times; want once", id, provider.calls[id])
		}
	}
	if provider.keyless != 0 {
		t.Errorf("%d payments were sent without an Idempotency-Key", provider.keyless)
	}
	provider.mu.Unlock()
	code, body = do(http.MethodGet, "/invoices")
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil || code != http.StatusOK {
		t.Fatalf("GET /invoices = %d %s", code, body)
	}
	for _, inv := range list {
		msg, _ := inv["PaymentError"].(string)
		isRefused := strings.Contains(strings.Join(refused, "\n"), inv["InvoiceId"].(string))
		if isRefused != strings.Contains(msg, "invalid id") || inv["IsPaid"] == isRefused {
			t.Errorf("GET /invoices shows %v", inv)
		}
	}
}
