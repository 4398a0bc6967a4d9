package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"sre.minikube/apps/payment-provider/internal/ledger"
)

func newHandler(t *testing.T, ready bool) (http.Handler, *strings.Builder) {
	t.Helper()
	logs := &strings.Builder{}
	var r atomic.Bool
	r.Store(ready)
	return New(ledger.NewMemory(), slog.New(slog.NewJSONHandler(logs, nil))).Handler(&r), logs
}

func do(t *testing.T, h http.Handler, method, path, body string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, reader)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	h.ServeHTTP(rec, req)
	var decoded map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &decoded); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", method, path, rec.Body.String(), err)
	}
	return rec.Code, decoded
}

func TestPayAccepts(t *testing.T) {
	cases := []struct{ name, body, id string }{
		{"seeded I1", `{"id":"I1","value":12.15,"currency":"EUR"}`, "I1"},
		{"seeded I2", `{"id":"I2","value":10.25,"currency":"GBP"}`, "I2"},
		{"seeded I3", `{"id":"I3","value":66.13,"currency":"DKK"}`, "I3"},
		{"integer value", `{"id":"X","value":7,"currency":"USD"}`, "X"},
		{"id with safe punctuation", `{"id":"inv-2026.11_a:b","value":1.5,"currency":"EUR"}`, "inv-2026.11_a:b"},
		{"fields in any order", `{"currency":"EUR","value":1.5,"id":"Y"}`, "Y"},
		{"whitespace around", " \n{\"id\":\"Z\",\"value\":0.01,\"currency\":\"EUR\"}\n ", "Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, logs := newHandler(t, true)
			code, body := do(t, h, http.MethodPost, "/payments/pay", tc.body)
			if code != http.StatusOK || body["id"] != tc.id || len(body) != 1 {
				t.Fatalf("= %d %v; want 200 {\"id\":%q}", code, body, tc.id)
			}
			if !strings.Contains(logs.String(), `"msg":"payment accepted","invoice":"`+tc.id+`"`) {
				t.Fatalf("no payment log line for %s in:\n%s", tc.id, logs)
			}
		})
	}
}

// Every malformed payment gets 400 (413 when too large) with a JSON error,
// and none is logged as accepted.
func TestPayRejects(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		errPart    string
	}{
		{"empty body", "", 400, "empty body"},
		{"blank body", "  \n ", 400, "empty body"},
		{"bad JSON", `{"id":`, 400, "invalid JSON"},
		{"not JSON", `id=I1&value=1`, 400, "invalid JSON"},
		{"array", `[{"id":"I1","value":1,"currency":"EUR"}]`, 400, "invalid JSON"},
		{"string", `"I1"`, 400, "invalid JSON"},
		{"null", `null`, 400, "invalid JSON"},
		{"empty object", `{}`, 400, "missing id"},
		{"missing id", `{"value":12.15,"currency":"EUR"}`, 400, "missing id"},
		{"empty id", `{"id":"","value":12.15,"currency":"EUR"}`, 400, "missing id"},
		{"id not a string", `{"id":1,"value":12.15,"currency":"EUR"}`, 400, "invalid id"},
		{"null id", `{"id":null,"value":12.15,"currency":"EUR"}`, 400, "missing id"},
		{"unknown field", `{"id":"I1","value":12.15,"currency":"EUR","note":"x"}`, 400, "unknown field"},
		{"duplicate id", `{"id":"I1","value":12.15,"currency":"EUR","id":"I2"}`, 400, "duplicate field"},
		{"duplicate value", `{"id":"I1","value":0.01,"currency":"EUR","value":999}`, 400, "duplicate field"},
		{"key in upper case", `{"ID":"I1","value":12.15,"currency":"EUR"}`, 400, "unknown field"},
		{"key in mixed case", `{"id":"I1","Value":12.15,"currency":"EUR"}`, 400, "unknown field"},
		{"duplicate in another case", `{"id":"I1","value":12.15,"currency":"EUR","Currency":"DKK"}`, 400, "unknown field"},
		{"id with a space", `{"id":"I 1","value":12.15,"currency":"EUR"}`, 400, "invalid id"},
		{"id with a slash", `{"id":"../I1","value":12.15,"currency":"EUR"}`, 400, "invalid id"},
		{"id with markup", `{"id":"<b>I1</b>","value":12.15,"currency":"EUR"}`, 400, "invalid id"},
		{"id with a newline", `{"id":"I1\n{\"level\":\"ERROR\"}","value":12.15,"currency":"EUR"}`, 400, "invalid id"},
		{"id not ASCII", `{"id":"Ι1","value":12.15,"currency":"EUR"}`, 400, "invalid id"},
		{"missing value", `{"id":"I1","currency":"EUR"}`, 400, "missing value"},
		{"null value", `{"id":"I1","value":null,"currency":"EUR"}`, 400, "missing value"},
		{"value as string", `{"id":"I1","value":"12.15","currency":"EUR"}`, 400, "invalid value"},
		{"value too precise", `{"id":"I1","value":12.151,"currency":"EUR"}`, 400, "invalid value"},
		{"value zero", `{"id":"I1","value":0,"currency":"EUR"}`, 400, "invalid value"},
		{"value negative", `{"id":"I1","value":-1,"currency":"EUR"}`, 400, "invalid value"},
		{"value huge", `{"id":"I1","value":1e30,"currency":"EUR"}`, 400, "invalid value"},
		{"missing currency", `{"id":"I1","value":12.15}`, 400, "missing currency"},
		{"empty currency", `{"id":"I1","value":12.15,"currency":""}`, 400, "missing currency"},
		{"currency lower case", `{"id":"I1","value":12.15,"currency":"eur"}`, 400, "invalid currency"},
		{"currency too long", `{"id":"I1","value":12.15,"currency":"EURO"}`, 400, "invalid currency"},
		{"id too long", `{"id":"` + strings.Repeat("x", 129) + `","value":1,"currency":"EUR"}`, 400, "invalid id"},
		{"trailing data", `{"id":"I1","value":12.15,"currency":"EUR"} {}`, 400, "after the object"},
		{"too large", `{"id":"I1","value":12.15,"currency":"EUR","pad":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "too large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, logs := newHandler(t, true)
			code, body := do(t, h, http.MethodPost, "/payments/pay", tc.body)
			msg, _ := body["error"].(string)
			if code != tc.status || !strings.Contains(msg, tc.errPart) {
				t.Fatalf("= %d %v; want %d with an error containing %q", code, body, tc.status, tc.errPart)
			}
			if strings.Contains(logs.String(), "payment accepted") {
				t.Fatalf("a rejected payment was logged as accepted:\n%s", logs)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	cases := []struct {
		method, path string
		ready        bool
		want         int
	}{
		{http.MethodGet, "/healthz", true, 200},
		{http.MethodGet, "/healthz", false, 200},
		{http.MethodGet, "/readyz", true, 200},
		{http.MethodGet, "/readyz", false, 503},
		{http.MethodGet, "/payments/pay", true, 405},
		{http.MethodGet, "/payments", true, 200},
		{http.MethodGet, "/payments", false, 200},
		{http.MethodPost, "/payments", true, 405},
		{http.MethodDelete, "/payments", true, 405},
		{http.MethodGet, "/invoices", true, 404},
	}
	for _, tc := range cases {
		h, _ := newHandler(t, tc.ready)
		if code, body := do(t, h, tc.method, tc.path, ""); code != tc.want {
			t.Errorf("%s %s (ready=%v) = %d %v; want %d", tc.method, tc.path, tc.ready, code, body, tc.want)
		}
	}
}
