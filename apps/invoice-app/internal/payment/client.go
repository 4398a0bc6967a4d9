// Package payment calls payment-provider.
package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sre.minikube/apps/invoice-app/internal/money"
)

// PayPath is appended to the provider's base URL.
const PayPath = "/payments/pay"

// maxResponseBytes bounds what is read of an answer: only its status counts.
const maxResponseBytes = 64 << 10

// Request is payment-provider's request body.
type Request struct {
	ID       string       `json:"id"`
	Value    money.Amount `json:"value"`
	Currency string       `json:"currency"`
}

// StatusError reports an answer outside 2xx.
type StatusError struct {
	StatusCode int
	Body       string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("payment-provider answered %d: %s", e.StatusCode, e.Body)
}

// Client pays through payment-provider. It is safe for concurrent use.
type Client struct {
	endpoint string
	http     *http.Client
}

// NewClient returns a client for the provider at baseURL whose every call,
// connection included, is bounded by timeout.
func NewClient(baseURL *url.URL, timeout time.Duration) *Client {
	endpoint := strings.TrimSuffix(baseURL.String(), "/") + PayPath
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 16
	return &Client{
		endpoint: endpoint,
		http:     &http.Client{Timeout: timeout, Transport: transport},
	}
}

// Endpoint is the URL the client posts to.
func (c *Client) Endpoint() string { return c.endpoint }

// Pay asks the provider to pay one invoice. It returns nil only when the
// provider answered 2xx; a transport error, a timeout or any other status is
// an error (a *StatusError for a non-2xx answer).
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
	resp, err := c.http.Do(httpReq)
	if err != nil {
		return fmt.Errorf("pay %s: %w", req.ID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		return &StatusError{StatusCode: resp.StatusCode, Body: strings.TrimSpace(string(answer))}
	}
	// A 2xx is the whole verdict: read (boundedly) what is left so the
	// connection can be reused; a broken body does not undo the payment.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
	return nil
}
