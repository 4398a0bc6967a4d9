package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
)

// fakeProvider is a test double of payment-provider that records every
// request body and answers with the status its policy picks.
type fakeProvider struct {
	mu       sync.Mutex
	bodies   []string
	received map[string]int
	keys     map[string][]string // idempotency keys per invoice, in order
	policy   func(id string) int
	answer   string // body of every answer; default {"id": ...}
	delay    time.Duration
	gate     chan struct{} // when set, every call waits until it is closed
}

func (f *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &req)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(raw))
	f.received[req.ID]++
	if f.keys == nil {
		f.keys = map[string][]string{}
	}
	f.keys[req.ID] = append(f.keys[req.ID], r.Header.Get("Idempotency-Key"))
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	status := http.StatusOK
	if f.policy != nil {
		status = f.policy(req.ID)
	}
	w.WriteHeader(status)
	if f.answer != "" {
		_, _ = io.WriteString(w, f.answer)
		return
	}
	_, _ = io.WriteString(w, `{"id":"`+req.ID+`"}`)
}

func (f *fakeProvider) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

func (f *fakeProvider) count(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received[id]
}

type fixture struct {
	handler  http.Handler
	provider *fakeProvider
	ready    *atomic.Bool
	server   *Server
	store    *invoice.MemoryStore
}

func newFixture(t *testing.T, providerURL string, timeout time.Duration, provider *fakeProvider) fixture {
	t.Helper()
	if provider != nil && providerURL == "" {
		srv := httptest.NewServer(provider)
		t.Cleanup(srv.Close)
		providerURL = srv.URL
	}
	u, err := url.Parse(providerURL)
	if err != nil {
		t.Fatal(err)
	}
	store, err := invoice.NewMemoryStore(invoice.Seed())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ready := &atomic.Bool{}
	ready.Store(true)
	app := New(store, payment.NewClient(u, timeout), logger)
	return fixture{handler: app.Handler(ready), provider: provider, ready: ready, server: app, store: store}
}

func newProvider(policy func(string) int) *fakeProvider {
	return &fakeProvider{received: map[string]int{}, policy: policy}
}

func (f fixture) do(t *testing.T, method, path string) (int, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, nil)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	f.handler.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, want JSON", method, path, ct)
	}
	return rec.Code, rec.Body.Bytes()
}

func (f fixture) paid(t *testing.T) map[string]bool {
	t.Helper()
	code, body := f.do(t, http.MethodGet, "/invoices")
	if code != http.StatusOK {
		t.Fatalf("GET /invoices = %d", code)
	}
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, inv := range list {
		out[inv["InvoiceId"].(string)] = inv["IsPaid"].(bool)
	}
	return out
}

func decodePay(t *testing.T, body []byte) PayResult {
	t.Helper()
	var r PayResult
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("pay body %s: %v", body, err)
	}
	return r
}

func TestListInvoicesKeepsTheContract(t *testing.T) {
	f := newFixture(t, "", time.Second, newProvider(nil))
	code, body := f.do(t, http.MethodGet, "/invoices")
	want := `[{"InvoiceId":"I1","Value":12.15,"Currency":"EUR","IsPaid":false},` +
		`{"InvoiceId":"I2","Value":10.25,"Currency":"GBP","IsPaid":false},` +
		`{"InvoiceId":"I3","Value":66.13,"Currency":"DKK","IsPaid":false}]`
	if code != http.StatusOK || string(body) != want {
		t.Fatalf("GET /invoices = %d %s\nwant 200 %s", code, body, want)
	}
}

func TestPayAllSucceeds(t *testing.T) {
	f := newFixture(t, "", time.Second, newProvider(nil))
	code, body := f.do(t, http.MethodPost, "/invoices/pay")
	r := decodePay(t, body)
	if code != http.StatusOK || len(r.Paid) != 3 || len(r.Failed) != 0 || r.Error != "" {
		t.Fatalf("POST /invoices/pay = %d %s", code, body)
	}
	for id, paid := range f.paid(t) {
		if !paid {
			t.Errorf("%s unpaid after a successful run", id)
		}
	}
	// The amounts reach the provider exactly as decimals.
	joined := strings.Join(f.provider.bodies, "\n")
	for _, want := range []string{`{"id":"I1","value":12.15,"currency":"EUR"}`, `{"id":"I2","value":10.25,"currency":"GBP"}`, `{"id":"I3","value":66.13,"currency":"DKK"}`} {
		if !strings.Contains(joined, want) {
			t.Errorf("provider never received %s; got:\n%s", want, joined)
		}
	}
	// Nothing is left to pay: a second run calls nobody and succeeds.
	code, body = f.do(t, http.MethodPost, "/invoices/pay")
	if r := decodePay(t, body); code != http.StatusOK || len(r.Paid) != 0 {
		t.Fatalf("second POST = %d %s", code, body)
	}
	for _, id := range []string{"I1", "I2", "I3"} {
		if n := f.provider.count(id); n != 1 {
			t.Errorf("provider received %s %d times, want 1", id, n)
		}
	}
}

func TestPayFailures(t *testing.T) {
	refused := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close() // nothing listens there any more
		return "http://" + addr
	}
	cases := []struct {
		name       string
		url        func() string
		provider   *fakeProvider
		timeout    time.Duration
		wantPaid   []string
		wantFailed []string
		errPart    string
	}{
		{"provider 500 for all", nil, newProvider(func(string) int { return 500 }), time.Second, nil, []string{"I1", "I2", "I3"}, "answered 500"},
		{"provider 503 for all", nil, newProvider(func(string) int { return 503 }), time.Second, nil, []string{"I1", "I2", "I3"}, "answered 503"},
		{"provider 400 for all", nil, newProvider(func(string) int { return 400 }), time.Second, nil, []string{"I1", "I2", "I3"}, "refused it as malformed (400)"},
		{"provider 404", nil, newProvider(func(string) int { return 404 }), time.Second, nil, []string{"I1", "I2", "I3"}, "answered 404"},
		{"provider 3xx is not success", nil, newProvider(func(string) int { return 304 }), time.Second, nil, []string{"I1", "I2", "I3"}, "answered 304"},
		{"provider body is not echoed", nil, &fakeProvider{
			received: map[string]int{}, policy: func(string) int { return 500 },
			answer: `{"error":"db at 10.9.8.7:5432 said: secret-trace"}`,
		}, time.Second, nil, []string{"I1", "I2", "I3"}, "answered 500"},
		{"provider fails I2 only", nil, newProvider(func(id string) int {
			if id == "I2" {
				return 500
			}
			return 200
		}), time.Second, []string{"I1", "I3"}, []string{"I2"}, "answered 500"},
		{"connection refused", refused, nil, time.Second, nil, []string{"I1", "I2", "I3"}, "unreachable"},
		{"timeout", nil, &fakeProvider{received: map[string]int{}, delay: 500 * time.Millisecond}, 100 * time.Millisecond, nil, []string{"I1", "I2", "I3"}, "timed out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			providerURL := ""
			if tc.url != nil {
				providerURL = tc.url()
			}
			f := newFixture(t, providerURL, tc.timeout, tc.provider)
			code, body := f.do(t, http.MethodPost, "/invoices/pay")
			if code != http.StatusBadGateway {
				t.Fatalf("POST /invoices/pay = %d %s; want 502", code, body)
			}
			r := decodePay(t, body)
			if r.Error == "" {
				t.Errorf("502 body has no error: %s", body)
			}
			// The client learns what failed, never the provider's words or
			// any address behind invoice-app.
			for _, leak := range []string{"secret-trace", "10.9.8.7", "127.0.0.1", "http://"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("the answer leaks %q: %s", leak, body)
				}
			}
			var failed []string
			for _, fl := range r.Failed {
				failed = append(failed, fl.ID)
				if !strings.Contains(fl.Error, tc.errPart) {
					t.Errorf("failure of %s = %q; want it to mention %q", fl.ID, fl.Error, tc.errPart)
				}
			}
			if strings.Join(failed, ",") != strings.Join(tc.wantFailed, ",") || strings.Join(r.Paid, ",") != strings.Join(tc.wantPaid, ",") {
				t.Fatalf("paid=%v failed=%v; want paid=%v failed=%v", r.Paid, failed, tc.wantPaid, tc.wantFailed)
			}
			paid := f.paid(t)
			for _, id := range tc.wantFailed {
				if paid[id] {
					t.Errorf("%s marked paid although its payment failed", id)
				}
			}
			for _, id := range tc.wantPaid {
				if !paid[id] {
					t.Errorf("%s unpaid although its payment succeeded", id)
				}
			}
		})
	}
}

// A failed invoice is paid by a later run once the provider recovers.
func TestPayRetriesAfterFailure(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	provider := newProvider(func(id string) int {
		if failing.Load() && id == "I3" {
			return 500
		}
		return 200
	})
	f := newFixture(t, "", time.Second, provider)
	if code, body := f.do(t, http.MethodPost, "/invoices/pay"); code != http.StatusBadGateway {
		t.Fatalf("first run = %d %s", code, body)
	}
	failing.Store(false)
	code, body := f.do(t, http.MethodPost, "/invoices/pay")
	if r := decodePay(t, body); code != http.StatusOK || strings.Join(r.Paid, ",") != "I3" {
		t.Fatalf("second run = %d %s; want 200 paying I3 only", code, body)
	}
	if provider.count("I1") != 1 || provider.count("I2") != 1 || provider.count("I3") != 2 {
		t.Fatalf("provider calls I1=%d I2=%d I3=%d; want 1 1 2", provider.count("I1"), provider.count("I2"), provider.count("I3"))
	}
	// Both attempts at I3 carry the same idempotency key, and each invoice
	// has its own.
	keys := provider.keys
	if k := keys["I3"]; len(k) != 2 || k[0] == "" || k[0] != k[1] {
		t.Fatalf("I3's idempotency keys = %q; want the same key twice", k)
	}
	if keys["I1"][0] == keys["I2"][0] || keys["I1"][0] == keys["I3"][0] {
		t.Fatalf("invoices share an idempotency key: %v", keys)
	}
}

func TestConcurrentPayCallsPayEachInvoiceOnce(t *testing.T) {
	provider := newProvider(nil)
	provider.delay = 20 * time.Millisecond // keep the runs overlapping
	f := newFixture(t, "", time.Second, provider)
	const callers = 25
	codes := make([]int, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			codes[i], _ = f.do(t, http.MethodPost, "/invoices/pay")
		})
	}
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusOK {
			t.Errorf("caller %d got %d", i, code)
		}
	}
	for _, id := range []string{"I1", "I2", "I3"} {
		if n := provider.count(id); n != 1 {
			t.Errorf("provider received %s %d times, want exactly 1", id, n)
		}
	}
	for id, paid := range f.paid(t) {
		if !paid {
			t.Errorf("%s unpaid", id)
		}
	}
}

func TestHealthAndErrors(t *testing.T) {
	f := newFixture(t, "", time.Second, newProvider(nil))
	cases := []struct {
		method, path string
		ready        bool
		want         int
	}{
		{http.MethodGet, "/healthz", true, 200},
		{http.MethodGet, "/readyz", true, 200},
		{http.MethodGet, "/healthz", false, 200},
		{http.MethodGet, "/readyz", false, 503},
		{http.MethodGet, "/nowhere", true, 404},
		{http.MethodDelete, "/invoices", true, 405},
		{http.MethodGet, "/invoices/pay", true, 405},
	}
	for _, tc := range cases {
		f.ready.Store(tc.ready)
		code, body := f.do(t, tc.method, tc.path)
		if code != tc.want {
			t.Errorf("%s %s (ready=%v) = %d %s; want %d", tc.method, tc.path, tc.ready, code, body, tc.want)
		}
	}
	// Readiness never asks payment-provider: with none listening it is ready.
	down := newFixture(t, "http://127.0.0.1:1", time.Second, nil)
	if code, _ := down.do(t, http.MethodGet, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d with payment-provider down; want 200", code)
	}
}
