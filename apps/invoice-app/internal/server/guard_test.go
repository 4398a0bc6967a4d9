package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"sre.minikube/apps/common/httpx"
)

// payAnswer is the answer of POST /invoices/pay read without PayResult, so
// that any field the answer lacks shows.
type payAnswer struct {
	Paid     []string         `json:"paid"`
	Failed   []map[string]any `json:"failed"`
	Pending  []string         `json:"pending"`
	Rejected []map[string]any `json:"rejected"`
	Running  bool             `json:"running"`
}

func decodeAnswer(t *testing.T, body []byte) payAnswer {
	t.Helper()
	var a payAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("answer %s: %v", body, err)
	}
	return a
}

// An invoice the provider refuses as malformed (400) is marked failed for
// good with the provider's reason: reported by the run, by every later run
// and by GET /invoices, and never sent again.
func TestRefusedInvoiceFailsForGood(t *testing.T) {
	const reason = "invalid id: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"
	provider := newProvider(func(id string) int {
		if id == "I2" {
			return http.StatusBadRequest
		}
		return http.StatusOK
	})
	provider.answer = `{"error":"` + reason + `"}`
	f := newFixture(t, "", time.Second, provider)

	code, body := f.do(t, http.MethodPost, "/invoices/pay")
	first := decodeAnswer(t, body)
	if code != http.StatusBadGateway || strings.Join(first.Paid, ",") != "I1,I3" || len(first.Failed) != 1 {
		t.Fatalf("first run = %d %s; want 502, I1 and I3 paid, I2 failed", code, body)
	}
	if fl := first.Failed[0]; fl["id"] != "I2" || fl["permanent"] != true || !strings.Contains(fl["error"].(string), reason) {
		t.Errorf("failure %v; want I2, permanent, with the provider's reason", fl)
	}
	for range 2 {
		code, body = f.do(t, http.MethodPost, "/invoices/pay")
		later := decodeAnswer(t, body)
		if code != http.StatusOK || len(later.Failed) != 0 || len(later.Rejected) != 1 || later.Rejected[0]["id"] != "I2" ||
			!strings.Contains(later.Rejected[0]["error"].(string), reason) {
			t.Fatalf("later run = %d %s; want 200 reporting I2 as rejected with the reason", code, body)
		}
	}
	if provider.count("I2") != 1 {
		t.Fatalf("I2 sent %d times; want once", provider.count("I2"))
	}
	code, body = f.do(t, http.MethodGet, "/invoices")
	var list []map[string]any
	if err := json.Unmarshal(body, &list); code != http.StatusOK || err != nil {
		t.Fatalf("GET /invoices = %d %s", code, body)
	}
	for _, inv := range list {
		msg, _ := inv["PaymentError"].(string)
		if (inv["InvoiceId"] == "I2") != strings.Contains(msg, reason) || inv["IsPaid"] != (inv["InvoiceId"] != "I2") {
			t.Errorf("GET /invoices shows %v", inv)
		}
	}
}

// A pay run longer than the server's write timeout still gets an answer,
// before that timeout: 202 with what is left, and a later POST collects
// the result. (Without it, the client read an empty reply.)
func TestPayAnswersBeforeTheWriteTimeout(t *testing.T) {
	f, release := gated(t)
	const writeTimeout = 900 * time.Millisecond
	srv := httpx.NewServer(f.handler, slog.New(slog.NewJSONHandler(io.Discard, nil)), writeTimeout)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	post := func() (int, payAnswer, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := http.Post("http://"+ln.Addr().String()+"/invoices/pay", "application/json", nil)
		if err != nil {
			t.Fatalf("POST /invoices/pay after %s: %v", time.Since(start), err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("reading the answer after %s: %v", time.Since(start), err)
		}
		return resp.StatusCode, decodeAnswer(t, body), time.Since(start)
	}
	code, answer, took := post()
	if code != http.StatusAccepted || !answer.Running || strings.Join(answer.Pending, ",") != "I1,I2,I3" || took >= writeTimeout {
		t.Fatalf("POST during a long run = %d %+v after %s; want 202, running, I1 I2 I3 pending, before %s", code, answer, took, writeTimeout)
	}
	release()
	waitUntil(t, "the run paid all", func() bool {
		paid := f.paid(t)
		return paid["I1"] && paid["I2"] && paid["I3"]
	})
	if code, answer, _ = post(); code != http.StatusOK || answer.Running {
		t.Fatalf("POST after the run = %d %+v; want 200", code, answer)
	}
	if f.provider.total() != 3 {
		t.Fatalf("provider calls = %d, want 3", f.provider.total())
	}
}
