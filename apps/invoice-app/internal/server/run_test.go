package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
)

// gated returns a fixture whose provider holds every call until release.
func gated(t *testing.T) (fixture, func()) {
	t.Helper()
	provider := newProvider(nil)
	provider.gate = make(chan struct{})
	f := newFixture(t, "", 5*time.Second, provider)
	var once atomic.Bool
	release := func() {
		if once.CompareAndSwap(false, true) {
			close(provider.gate)
		}
	}
	t.Cleanup(release)
	return f, release
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A POST that arrives while a run is in progress gets that run's result; it
// does not queue a second run (which would answer "paid nothing").
func TestConcurrentPaySharesTheRunInProgress(t *testing.T) {
	f, release := gated(t)
	type answer struct {
		code int
		body []byte
	}
	first := make(chan answer, 1)
	go func() { code, body := f.do(t, http.MethodPost, "/invoices/pay"); first <- answer{code, body} }()
	waitUntil(t, "the run reaches the provider", func() bool { return f.provider.total() == 3 })
	second := make(chan answer, 1)
	go func() { code, body := f.do(t, http.MethodPost, "/invoices/pay"); second <- answer{code, body} }()
	// The second caller is waiting (nothing new reaches the provider).
	select {
	case a := <-second:
		t.Fatalf("second POST answered %d %s before the run ended", a.code, a.body)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	for name, ch := range map[string]chan answer{"first": first, "second": second} {
		a := <-ch
		r := decodePay(t, a.body)
		if a.code != http.StatusOK || strings.Join(r.Paid, ",") != "I1,I2,I3" {
			t.Errorf("%s POST = %d %s; want 200 paying I1,I2,I3", name, a.code, a.body)
		}
	}
	if n := f.provider.total(); n != 3 {
		t.Fatalf("provider got %d calls, want 3", n)
	}
}

// A waiter's patience is its own: its context ends its wait, not the run.
func TestWaiterGivesUpAloneAndTheRunGoesOn(t *testing.T) {
	f, release := gated(t)
	done := make(chan PayResult, 1)
	go func() {
		r, err := f.server.PayAll(context.Background())
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	waitUntil(t, "the run reaches the provider", func() bool { return f.provider.total() == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.server.PayAll(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("impatient waiter: err = %v, want DeadlineExceeded", err)
	}
	release()
	if r := <-done; strings.Join(r.Paid, ",") != "I1,I2,I3" {
		t.Fatalf("the run = %+v; want all paid", r)
	}
}

// A client that is gone before its pay starts does not start a run.
func TestPayOfAGoneClientStartsNothing(t *testing.T) {
	f := newFixture(t, "", time.Second, newProvider(nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.server.PayAll(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("PayAll = %v, want context.Canceled", err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/invoices/pay", nil)
	req.Header.Set("Content-Type", "application/json")
	f.handler.ServeHTTP(rec, req)
	if err := f.server.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.provider.total(); n != 0 {
		t.Fatalf("provider got %d calls from gone clients", n)
	}
}

// Shutdown waits for a run whose every caller has hung up.
func TestWaitCoversAnOrphanedRun(t *testing.T) {
	f, release := gated(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = f.server.PayAll(ctx) }()
	waitUntil(t, "the run reaches the provider", func() bool { return f.provider.total() == 3 })
	cancel()
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if err := f.server.Wait(short); err == nil {
		t.Fatal("Wait returned while the run was still paying")
	}
	release()
	if err := f.server.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if paid := f.paid(t); !paid["I1"] || !paid["I2"] || !paid["I3"] {
		t.Fatalf("paid = %v after the orphaned run", paid)
	}
}

// A redirect is an answer, not an instruction: the payment is not re-sent
// to the redirect target and the invoice stays unpaid.
func TestPaymentClientDoesNotFollowRedirects(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			target := newProvider(nil)
			targetSrv := httptest.NewServer(target)
			defer targetSrv.Close()
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, targetSrv.URL+r.URL.Path, status)
			}))
			defer redirector.Close()
			f := newFixture(t, redirector.URL, time.Second, nil)
			code, body := f.do(t, http.MethodPost, "/invoices/pay")
			if code != http.StatusBadGateway || !strings.Contains(string(body), fmt.Sprintf("answered %d", status)) {
				t.Fatalf("POST = %d %s; want 502 naming %d", code, body, status)
			}
			if n := target.total(); n != 0 {
				t.Fatalf("the redirect target received %d payments", n)
			}
			for id, paid := range f.paid(t) {
				if paid {
					t.Errorf("%s paid after a redirect", id)
				}
			}
		})
	}
}

// A cross-site form post (or any non-JSON post) must not pay.
func TestPayRequiresJSONContentType(t *testing.T) {
	f := newFixture(t, "", time.Second, newProvider(nil))
	for _, contentType := range []string{"", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/invoices/pay", strings.NewReader("a=b"))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		f.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %q: %d, want 415", contentType, rec.Code)
		}
	}
	if n := f.provider.total(); n != 0 {
		t.Fatalf("provider got %d calls from non-JSON posts", n)
	}
}

// Invoices claimed by another replica's run are reported pending (202),
// not paid and not failed.
func TestInvoicesClaimedElsewhereArePending(t *testing.T) {
	f := newFixture(t, "", time.Second, newProvider(nil))
	if _, _, err := f.store.ClaimNext(context.Background(), []string{"I2", "I3"}); err != nil {
		t.Fatal(err)
	}
	code, body := f.do(t, http.MethodPost, "/invoices/pay")
	r := decodePay(t, body)
	if code != http.StatusAccepted || strings.Join(r.Paid, ",") != "I2,I3" || strings.Join(r.Pending, ",") != "I1" {
		t.Fatalf("POST = %d %s; want 202 paid I2,I3 pending I1", code, body)
	}
	if f.provider.count("I1") != 0 {
		t.Fatal("an invoice claimed elsewhere was paid")
	}
}

// brokenStore fails every operation, or only Settle.
type brokenStore struct {
	invoice.Store
	all bool
}

var errDB = errors.New("dial tcp 10.1.2.3:5432: connection refused")

func (b brokenStore) List(ctx context.Context) ([]invoice.Invoice, error) {
	if b.all {
		return nil, errDB
	}
	return b.Store.List(ctx)
}

func (b brokenStore) ClaimNext(ctx context.Context, skip []string) (invoice.Claim, bool, error) {
	if b.all {
		return invoice.Claim{}, false, errDB
	}
	return b.Store.ClaimNext(ctx, skip)
}

func (b brokenStore) Settle(context.Context, invoice.Claim, bool) error { return errDB }

func (b brokenStore) Ready(ctx context.Context) error {
	if b.all {
		return errDB
	}
	return nil
}

func TestStoreFailures(t *testing.T) {
	memory, err := invoice.NewMemoryStore(invoice.Seed())
	if err != nil {
		t.Fatal(err)
	}
	provider := newProvider(nil)
	srv := httptest.NewServer(provider)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ready := &atomic.Bool{}
	ready.Store(true)
	cases := []struct {
		name  string
		store invoice.Store
		path  string
		want  int
	}{
		{"list while the database is down", brokenStore{memory, true}, "GET /invoices", 503},
		{"pay while the database is down", brokenStore{memory, true}, "POST /invoices/pay", 503},
		{"not ready while the database is down", brokenStore{memory, true}, "GET /readyz", 503},
		{"alive while the database is down", brokenStore{memory, true}, "GET /healthz", 200},
		{"paid but not recorded", brokenStore{memory, false}, "POST /invoices/pay", 502},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture{handler: New(tc.store, payment.NewClient(u, time.Second), logger).Handler(ready)}
			method, path, _ := strings.Cut(tc.path, " ")
			code, body := f.do(t, method, path)
			if code != tc.want {
				t.Fatalf("%s = %d %s; want %d", tc.path, code, body, tc.want)
			}
			if strings.Contains(string(body), "10.1.2.3") {
				t.Fatalf("the answer shows the database's address: %s", body)
			}
		})
	}
}
