package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sre.minikube/apps/payment-provider/internal/ledger"
)

type answer struct {
	code     int
	body     string
	replayed string
}

func post(h http.Handler, key, contentType, body string) answer {
	req := httptest.NewRequest(http.MethodPost, "/payments/pay", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "-" {
		req.Header.Set(IdempotencyHeader, key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, strings.TrimSpace(rec.Body.String()), rec.Header().Get(ReplayedHeader)}
}

const (
	payI1 = `{"id":"I1","value":12.15,"currency":"EUR"}`
	payI2 = `{"id":"I2","value":10.25,"currency":"GBP"}`
)

func TestIdempotencyKeys(t *testing.T) {
	type step struct {
		key, body string
		want      answer
	}
	ok := func(id string) answer { return answer{200, `{"id":"` + id + `"}`, ""} }
	replay := func(id string) answer { return answer{200, `{"id":"` + id + `"}`, "true"} }
	cases := []struct {
		name         string
		steps        []step
		wantAccepted int // "payment accepted" log lines: payments made
	}{
		{"no key pays every time", []step{{"-", payI1, ok("I1")}, {"-", payI1, ok("I1")}}, 2},
		{"repeated key answers the first answer", []step{{"k1", payI1, ok("I1")}, {"k1", payI1, replay("I1")}, {"k1", payI1, replay("I1")}}, 1},
		{"same body, other key pays", []step{{"k1", payI1, ok("I1")}, {"k2", payI1, ok("I1")}}, 2},
		{"same key, other body is refused", []step{
			{"k1", payI1, ok("I1")},
			{"k1", payI2, answer{422, `{"error":"Idempotency-Key was already used for a different payment"}`, ""}},
			{"k1", `{"id":"I1","value":12.16,"currency":"EUR"}`, answer{422, `{"error":"Idempotency-Key was already used for a different payment"}`, ""}},
		}, 1},
		{"same payment, whitespace and order differ", []step{{"k1", payI1, ok("I1")}, {"k1", `{ "currency":"EUR", "value":12.150, "id":"I1" }`, replay("I1")}}, 1},
		{"empty key is refused", []step{{"", payI1, answer{400, `{"error":"invalid Idempotency-Key: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"}`, ""}}}, 0},
		{"unsafe key is refused", []step{{"k 1", payI1, answer{400, `{"error":"invalid Idempotency-Key: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"}`, ""}}}, 0},
		{"long key is refused", []step{{strings.Repeat("k", 129), payI1, answer{400, `{"error":"invalid Idempotency-Key: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"}`, ""}}}, 0},
		{"a refused body does not use the key", []step{{"k1", `{"id":"I1"}`, answer{400, `{"error":"missing value"}`, ""}}, {"k1", payI1, ok("I1")}}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, logs := newHandler(t, true)
			for i, s := range tc.steps {
				if got := post(h, s.key, "application/json", s.body); got != s.want {
					t.Fatalf("step %d: %+v, want %+v", i, got, s.want)
				}
			}
			if n := strings.Count(logs.String(), `"msg":"payment accepted"`); n != tc.wantAccepted {
				t.Fatalf("%d payments made, want %d:\n%s", n, tc.wantAccepted, logs)
			}
		})
	}
}

// Concurrent requests with one key make one payment; all get the answer.
func TestConcurrentRequestsWithOneKeyPayOnce(t *testing.T) {
	h, logs := newHandler(t, true)
	var wg sync.WaitGroup
	answers := make([]answer, 20)
	for i := range answers {
		wg.Go(func() { answers[i] = post(h, "same-key", "application/json", payI1) })
	}
	wg.Wait()
	for i, a := range answers {
		if a.code != 200 || a.body != `{"id":"I1"}` {
			t.Errorf("request %d = %+v", i, a)
		}
	}
	if n := strings.Count(logs.String(), `"msg":"payment accepted"`); n != 1 {
		t.Fatalf("%d payments made, want 1", n)
	}
}

// A cross-site form post (or any non-JSON post) must not pay.
func TestPayRequiresJSONContentType(t *testing.T) {
	h, logs := newHandler(t, true)
	for _, contentType := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		if got := post(h, "-", contentType, payI1); got.code != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %q: %+v, want 415", contentType, got)
		}
	}
	if got := post(h, "-", "application/json; charset=utf-8", payI1); got.code != 200 {
		t.Errorf("JSON with a charset: %+v, want 200", got)
	}
	if n := strings.Count(logs.String(), `"msg":"payment accepted"`); n != 1 {
		t.Fatalf("%d payments made, want only the JSON one", n)
	}
}

// downLedger is a ledger whose database is down.
type downLedger struct{}

var errDB = errors.New("dial tcp 10.1.2.3:5432: connection refused")

func (downLedger) Record(context.Context, string, ledger.Payment) (ledger.Payment, bool, error) {
	return ledger.Payment{}, false, errDB
}

func (downLedger) Charges(context.Context, int) (ledger.Charges, error) {
	return ledger.Charges{}, errDB
}

func (downLedger) Ready(context.Context) error { return errDB }

func TestLedgerDown(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	logs := &strings.Builder{}
	h := New(downLedger{}, slog.New(slog.NewJSONHandler(logs, nil))).Handler(&ready)
	got := post(h, "k1", "application/json", payI1)
	var body map[string]string
	_ = json.Unmarshal([]byte(got.body), &body)
	if got.code != http.StatusServiceUnavailable || strings.Contains(got.body, "10.1.2.3") || body["error"] == "" {
		t.Fatalf("payment with the ledger down = %+v; want 503 without the database's address", got)
	}
	for path, want := range map[string]int{"/readyz": 503, "/healthz": 200, "/payments": 503} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
		}
	}
	if strings.Contains(logs.String(), "payment accepted") {
		t.Fatal("a payment that was not recorded was logged as accepted")
	}
}

// A request with two Idempotency-Key headers is refused: taking one of
// them would let the other pay again.
func TestTwoIdempotencyKeysAreRefused(t *testing.T) {
	for _, keys := range [][]string{{"k1", "k2"}, {"k1", "k1"}, {"k1", ""}} {
		h, logs := newHandler(t, true)
		req := httptest.NewRequest(http.MethodPost, "/payments/pay", strings.NewReader(payI1))
		req.Header.Set("Content-Type", "application/json")
		for _, k := range keys {
			req.Header.Add(IdempotencyHeader, k)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Idempotency-Key") {
			t.Errorf("keys %q: %d %s, want 400 naming Idempotency-Key", keys, rec.Code, rec.Body)
		}
		if strings.Contains(logs.String(), `"msg":"payment accepted"`) {
			t.Errorf("keys %q: a payment was made", keys)
		}
	}
	// One key in one header still pays.
	h, _ := newHandler(t, true)
	if got := post(h, "k1", "application/json", payI1); got.code != http.StatusOK {
		t.Fatalf("one key: %+v, want 200", got)
	}
}

// A body in a charset other than UTF-8 is refused, not read as UTF-8.
func TestCharsetOtherThanUTF8IsRefused(t *testing.T) {
	utf16 := string([]byte{0xff, 0xfe, '{', 0, '"', 0, 'i', 0, 'd', 0, '"', 0, ':', 0, '"', 0, 'I', 0, '1', 0, '"', 0, '}', 0})
	cases := []struct {
		contentType, body string
		want              int
	}{
		{"application/json; charset=utf-16", utf16, http.StatusUnsupportedMediaType},
		{"application/json; charset=utf-16", payI1, http.StatusUnsupportedMediaType},
		{"application/json; charset=iso-8859-1", payI1, http.StatusUnsupportedMediaType},
		{"application/json; charset=UTF-8", payI1, http.StatusOK},
		{"application/json", payI1, http.StatusOK},
	}
	for _, tc := range cases {
		h, logs := newHandler(t, true)
		got := post(h, "-", tc.contentType, tc.body)
		if got.code != tc.want {
			t.Errorf("%s: %+v, want %d", tc.contentType, got, tc.want)
		}
		if paid := strings.Contains(logs.String(), `"msg":"payment accepted"`); paid != (tc.want == http.StatusOK) {
			t.Errorf("%s: paid %v", tc.contentType, paid)
		}
	}
}
