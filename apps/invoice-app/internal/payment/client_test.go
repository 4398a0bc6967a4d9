package payment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"sre.minikube/apps/common/money"
)

func client(t *testing.T, handler http.HandlerFunc, timeout time.Duration) *Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return NewClient(u, timeout)
}

func TestPaySendsJSONAndTheKey(t *testing.T) {
	var got *http.Request
	c := client(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(http.StatusOK)
	}, time.Second)
	err := c.Pay(context.Background(), Request{ID: "I1", Value: money.FromMinor(1215), Currency: "EUR", Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != PayPath || got.Header.Get("Content-Type") != "application/json" || got.Header.Get(IdempotencyHeader) != testKey {
		t.Fatalf("request %s %v", got.URL.Path, got.Header)
	}
}

const testKey = "0123456789abcdef0123456789abcdef"

// A payment without a valid key is never sent: the provider would pay it
// again on every retry (it keeps no record of a keyless payment).
func TestPayWithoutAValidKeyIsNotSent(t *testing.T) {
	calls := 0
	c := client(t, func(w http.ResponseWriter, _ *http.Request) {
		calls++
		w.WriteHeader(http.StatusOK)
	}, time.Second)
	for _, key := range []string{"", "k-1", "0123456789abcdef 0123456789abcdef", "0123456789abcdef0123456789abcdef\n", strings.Repeat("k", 129)} {
		err := c.Pay(context.Background(), Request{ID: "I1", Value: money.FromMinor(1215), Currency: "EUR", Key: key})
		if !errors.Is(err, ErrNoKey) {
			t.Errorf("Pay with key %q = %v, want ErrNoKey", key, err)
		}
	}
	if calls != 0 {
		t.Fatalf("the provider got %d payments without a valid key", calls)
	}
}

func TestRefusal(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		wantOK     bool
		wantReason string
	}{
		{"400 with the provider's reason", &StatusError{StatusCode: 400, Excerpt: `{"error":"invalid id: want 1 to 128 characters"}`},
			true, "payment-provider refused it as malformed (400): invalid id: want 1 to 128 characters"},
		{"400 reason with control characters", &StatusError{StatusCode: 400, Excerpt: `{"error":"bad\u001b[31m id\n"}`},
			true, "payment-provider refused it as malformed (400): bad[31m id"},
		{"400 without JSON", &StatusError{StatusCode: 400, Excerpt: "<html>bad</html>"},
			true, "payment-provider refused it as malformed (400)"},
		{"400 with a long reason", &StatusError{StatusCode: 400, Excerpt: `{"error":"` + strings.Repeat("r", 300) + `"}`},
			true, "payment-provider refused it as malformed (400): " + strings.Repeat("r", 200) + "..."},
		{"422 is not a refusal of the invoice", &StatusError{StatusCode: 422, Excerpt: `{"error":"key reused"}`}, false, ""},
		{"500", &StatusError{StatusCode: 500}, false, ""},
		{"transport", errors.New("connection refused"), false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reason, ok := Refusal(fmt.Errorf("pay I1: %w", tc.err))
			if ok != tc.wantOK || reason != tc.wantReason {
				t.Fatalf("Refusal = %q, %v; want %q, %v", reason, ok, tc.wantReason, tc.wantOK)
			}
			if ok && Reason(tc.err) != reason {
				t.Errorf("Reason = %q, want the refusal", Reason(tc.err))
			}
		})
	}
}

func TestErrorsAndReasons(t *testing.T) {
	long := strings.Repeat("x", 10_000)
	cases := []struct {
		name       string
		handler    http.HandlerFunc
		timeout    time.Duration
		wantReason string
	}{
		{"500 with a long body", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "at 10.0.0.9: "+long)
		}, time.Second, "payment-provider answered 500"},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://10.0.0.9/elsewhere", http.StatusTemporaryRedirect)
		}, time.Second, "payment-provider answered 307"},
		{"timeout", func(_ http.ResponseWriter, r *http.Request) {
			// With the body read, the server sees the client hang up.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		}, 50 * time.Millisecond, "payment-provider timed out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := client(t, tc.handler, tc.timeout).Pay(context.Background(), Request{ID: "I1", Value: money.FromMinor(1), Currency: "EUR", Key: testKey})
			if err == nil {
				t.Fatal("Pay succeeded")
			}
			if got := Reason(err); got != tc.wantReason {
				t.Fatalf("Reason = %q, want %q (error %v)", got, tc.wantReason, err)
			}
			if len(err.Error()) > maxExcerptBytes+200 {
				t.Fatalf("the logged error is %d bytes long: the excerpt is not bounded", len(err.Error()))
			}
		})
	}
}

func TestReasonOfAnUnreachableProvider(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1")
	err := NewClient(u, time.Second).Pay(context.Background(), Request{ID: "I1", Key: testKey})
	if err == nil || Reason(err) != "payment-provider unreachable" {
		t.Fatalf("err = %v, Reason = %q", err, Reason(err))
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("the logged error should keep the detail: %v", err)
	}
	if Reason(errors.New("x")) != "payment-provider unreachable" {
		t.Fatal("an unknown error is not reported as unreachable")
	}
}

func TestExcerptCutsOnARune(t *testing.T) {
	text := strings.Repeat("é", maxExcerptBytes) // two bytes each
	got := excerpt([]byte(text))
	if !strings.HasSuffix(got, "...") || len(got) > maxExcerptBytes+3 || !strings.HasPrefix(text, strings.TrimSuffix(got, "...")) {
		t.Fatalf("excerpt = %q", got)
	}
}
