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
	err := c.Pay(context.Background(), Request{ID: "I1", Value: money.FromMinor(1215), Currency: "EUR", Key: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != PayPath || got.Header.Get("Content-Type") != "application/json" || got.Header.Get(IdempotencyHeader) != "k-1" {
		t.Fatalf("request %s %v", got.URL.Path, got.Header)
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
			err := client(t, tc.handler, tc.timeout).Pay(context.Background(), Request{ID: "I1", Value: money.FromMinor(1), Currency: "EUR"})
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
	err := NewClient(u, time.Second).Pay(context.Background(), Request{ID: "I1"})
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
