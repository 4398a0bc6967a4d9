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
	"regexp"
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

// ErrNoKey means a payment was not sent: its idempotency key is empty or
// malformed, and a payment without a key would be charged again on every
// retry.
var ErrNoKey = errors.New("not sent: the invoice has no valid payment key")

// keyFormat is what Pay sends as an Idempotency-Key (invoice.KeyFormat).
var keyFormat = regexp.MustCompile(`\A[A-Za-z0-9._:-]{16,128}\z`)

// maxRefusalBytes bounds the provider's reason kept for a refused invoice.
const maxRefusalBytes = 200

// Refusal returns the reason payment-provider gave for refusing a payment
// as malformed (400): such an invoice can never be paid as it is. The
// reason is the "error" of the provider's JSON answer, printable ASCII and
// at most 200 bytes; ok is false for any other error.
func Refusal(err error) (reason string, ok bool) {
	status, isStatus := errors.AsType[*StatusError](err)
	if !isStatus || status.StatusCode != http.StatusBadRequest {
		return "", false
	}
	var answer struct {
		Error string `json:"error"`
	}
	reason = "payment-provider refused it as malformed (400)"
	if json.Unmarshal([]byte(status.Excerpt), &answer) == nil && answer.Error != "" {
		text := strings.Map(func(r rune) rune {
			if r < 0x20 || r > 0x7e {
				return -1
			}
			return r
		}, answer.Error)
		if len(text) > maxRefusalBytes {
			text = text[:maxRefusalBytes] + "..."
		}
		reason += ": " + text
	}
	return reason, true
}

// Reason is the short text a client may be shown for a failed payment:
// fixed, except for the provider's own reason of a refusal (Refusal); it
// never carries any other part of payment-provider's answer or its address.
func Reason(err error) string {
	if reason, ok := Refusal(err); ok {
		return reason
	}
	if errors.Is(err, ErrNoKey) {
		return ErrNoKey.Error()
	}
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
// a redirect included, is an error (a *StatusError for an answer). A
// request without a valid Key is not sent (ErrNoKey).
func (c *Client) Pay(ctx context.Context, req Request) error {
	if !keyFormat.MatchString(req.Key) {
		return fmt.Errorf("pay %s: %w", req.ID, ErrNoKey)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode payment of %s: %w", req.ID, err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build payment request for %s: %w", req.ID, err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set(IdempotencyHeader, req.Key)
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
