// Package payment calls payment-provider.
package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"sre.minikube/apps/common/money"
)

// PayPath is appended to the provider's base URL.
const PayPath = "/payments/pay"

// IdempotencyHeader carries the invoice's payment key: payment-provider
// answers a repeated key with its first answer instead of paying again.
const IdempotencyHeader = "Idempotency-Key"

// maxResponseBytes bounds what is read of an answer: only its status counts.
const maxResponseBytes = 64 << 10

// maxExcerptBytes bounds the part of an error answer kept for the logs.
const maxExcerptBytes = 256

// Request is one payment. Key is sent as the Idempotency-Key header.
type Request struct {
	ID       string       `json:"id"`
	Value    money.Amount `json:"value"`
	Currency string       `json:"currency"`
	Key      string       `json:"-"`
}

// StatusError reports an answer outside 2xx. Excerpt is a bounded start of
// the answer, for the logs only: it never goes back to a client.
type StatusError struct {
	StatusCode int
	Excerpt    string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("payment-provider answered %d: %q", e.StatusCode, e.Excerpt)
}

// Reason is the short, fixed text a client may be shown for a failed
// payment: it never carries payment-provider's answer or its address.
func Reason(err error) string {
	if status, ok := errors.AsType[*StatusError](err); ok {
		return fmt.Sprintf("payment-provider answered %d", status.StatusCode)
	}
	if netErr, ok := errors.AsType[net.Error](err); (ok && netErr.Timeout()) || errors.Is(err, context.DeadlineExceeded) {
		return "payment-provider timed out"
	}
	return "payment-provider unreachable"
}

// Client pays through payment-provider. It is safe for concurrent use.
type Client struct {
	endpoint string
	http     *http.Client
}

// NewClient returns a client for the provider at baseURL whose every call,
// connection included, is bounded by timeout. It never follows a redirect:
// a payment is not re-sent to wherever an answer points.
func NewClient(baseURL *url.URL, timeout time.Duration) *Client {
	endpoint := strings.TrimSuffix(baseURL.String(), "/") + PayPath
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 16
	return &Client{
		endpoint: endpoint,
		http: &http.Client{
			Timeout:   timeout,
			Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// Endpoint is the URL the client posts to.
func (c *Client) Endpoint() string { return c.endpoint }

// Pay asks the provider to pay one invoice. It returns nil only when the
// provider answered 2xx; a transport error, a timeout or any other status,
// a redirect included, is an error (a *StatusError for an answer).
func (c *Client) Pay(ctx context.Context, req Request) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode payment of %s: %w", req.ID, err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build payment request for %s: %w", req.ID, err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if req.Key != "" {
		httpReq.Header.Set(IdempotencyHeader, req.Key)
	}
	resp, err := c.http.Do(httpReq)
	if err != nil {
		return fmt.Errorf("pay %s: %w", req.ID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		return &StatusError{StatusCode: resp.StatusCode, Excerpt: excerpt(answer)}
	}
	// A 2xx is the whole verdict: read (boundedly) what is left so the
	// connection can be reused; a broken body does not undo the payment.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
	return nil
}

// excerpt returns at most maxExcerptBytes of an answer, cut on a rune.
func excerpt(answer []byte) string {
	text := strings.TrimSpace(string(answer))
	if len(text) <= maxExcerptBytes {
		return text
	}
	cut := maxExcerptBytes
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "..."
}
