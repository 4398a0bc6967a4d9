// Package server holds payment-provider's HTTP handlers.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"sre.minikube/apps/common/httpx"
	"sre.minikube/apps/common/money"
	"sre.minikube/apps/payment-provider/internal/ledger"
)

// IdempotencyHeader names the header whose key makes a payment idempotent.
const IdempotencyHeader = "Idempotency-Key"

// ReplayedHeader is set on an answer repeated for a known key.
const ReplayedHeader = "Idempotent-Replayed"

// safeToken is the character set of invoice ids and idempotency keys:
// nothing that could be mistaken for markup, a path, a header or a log
// field separator.
var safeToken = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// PaymentRequest is the body of POST /payments/pay.
type PaymentRequest struct {
	ID       string
	Value    money.Amount
	Currency string
}

// PaymentResponse is the body of a successful payment.
type PaymentResponse struct {
	ID string `json:"id"`
}

// MaxListedInvoices bounds the invoices GET /payments lists.
const MaxListedInvoices = 1000

// listTimeout bounds the database read of GET /payments.
const listTimeout = 5 * time.Second

// InvoiceCharges is one invoice in the answer of GET /payments: how many
// payments of it were accepted and the value and currency of the first.
type InvoiceCharges struct {
	ID       string       `json:"id"`
	Value    money.Amount `json:"value"`
	Currency string       `json:"currency"`
	Count    int64        `json:"count"`
}

// PaymentsResponse is the body of GET /payments.
type PaymentsResponse struct {
	Store     string           `json:"store"`
	Payments  []InvoiceCharges `json:"payments"`
	Truncated bool             `json:"truncated,omitempty"`
}

// Server accepts payments.
type Server struct {
	logger *slog.Logger
	ledger ledger.Ledger
}

// New returns a server that records payments in l and logs to logger.
func New(l ledger.Ledger, logger *slog.Logger) *Server {
	return &Server{logger: logger, ledger: l}
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler(ready *atomic.Bool) http.Handler {
	engine := httpx.NewEngine(s.logger)
	httpx.Health(engine, ready, s.ledger.Ready)
	engine.POST("/payments/pay", httpx.RequireJSON, s.pay)
	engine.GET("/payments", s.list)
	return engine
}

// list answers GET /payments: the accepted payments grouped by invoice id,
// the lowest ids first, at most MaxListedInvoices of them.
func (s *Server) list(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), listTimeout)
	defer cancel()
	charges, err := s.ledger.Charges(ctx, MaxListedInvoices)
	if err != nil {
		s.logger.LogAttrs(ctx, slog.LevelError, "payments not listed", slog.String("error", err.Error()))
		c.JSON(http.StatusServiceUnavailable, httpx.Error{Error: "payments not readable, try again later"})
		return
	}
	out := PaymentsResponse{Store: charges.Store, Payments: make([]InvoiceCharges, 0, len(charges.Invoices)), Truncated: charges.Truncated}
	for _, ch := range charges.Invoices {
		out.Payments = append(out.Payments, InvoiceCharges{ID: ch.InvoiceID, Value: ch.Value, Currency: ch.Currency, Count: ch.Count})
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) pay(c *gin.Context) {
	// Two keys: which one the payment is idempotent under is not for this
	// server to guess (taking the first would pay again under the second).
	if keys := c.Request.Header.Values(IdempotencyHeader); len(keys) > 1 {
		c.JSON(http.StatusBadRequest, httpx.Error{Error: fmt.Sprintf("%d Idempotency-Key headers: send exactly one", len(keys))})
		return
	}
	key := c.GetHeader(IdempotencyHeader)
	if _, sent := c.Request.Header[IdempotencyHeader]; sent && !safeToken.MatchString(key) {
		c.JSON(http.StatusBadRequest, httpx.Error{Error: "invalid Idempotency-Key: want 1 to 128 characters from A-Z a-z 0-9 . _ : -"})
		return
	}
	req, status, err := decode(c.Request.Body)
	if err != nil {
		c.JSON(status, httpx.Error{Error: err.Error()})
		return
	}
	ctx := c.Request.Context()
	attrs := []slog.Attr{
		slog.String("invoice", req.ID),
		slog.String("value", req.Value.String()),
		slog.String("currency", req.Currency),
	}
	first, replayed, err := s.ledger.Record(ctx, key, ledger.Payment{InvoiceID: req.ID, Value: req.Value, Currency: req.Currency})
	switch {
	case errors.Is(err, ledger.ErrKeyReused):
		s.logger.LogAttrs(ctx, slog.LevelWarn, "idempotency key reused", attrs...)
		c.JSON(http.StatusUnprocessableEntity, httpx.Error{Error: "Idempotency-Key was already used for a different payment"})
		return
	case err != nil:
		s.logger.LogAttrs(ctx, slog.LevelError, "payment not recorded", append(attrs, slog.String("error", err.Error()))...)
		c.JSON(http.StatusServiceUnavailable, httpx.Error{Error: "payment not recorded, try again later"})
		return
	case replayed:
		s.logger.LogAttrs(ctx, slog.LevelInfo, "payment replayed", attrs...)
		c.Header(ReplayedHeader, "true")
		c.JSON(http.StatusOK, PaymentResponse{ID: first.InvoiceID})
		return
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "payment accepted", attrs...)
	c.JSON(http.StatusOK, PaymentResponse{ID: req.ID})
}

// fields are the names a payment has, spelled exactly so.
var fields = []string{"id", "value", "currency"}

// decode reads and validates a payment request; on error it also returns
// the HTTP status to answer with. The decoding is strict: encoding/json
// alone would take unknown fields, the last of duplicate keys and keys in
// any case ("ID"), so two parsers of the same body could disagree on what
// is paid.
func decode(body io.Reader) (PaymentRequest, int, error) {
	var req PaymentRequest
	bad := func(format string, args ...any) (PaymentRequest, int, error) {
		return req, http.StatusBadRequest, fmt.Errorf(format, args...)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return req, http.StatusRequestEntityTooLarge, errors.New("body too large")
		}
		return bad("cannot read body")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return bad("empty body: want {\"id\", \"value\", \"currency\"}")
	}
	values, err := objectFields(raw)
	if err != nil {
		return bad("invalid JSON: %s", err)
	}
	var id, currency *string
	var value *money.Amount
	if v, ok := values["id"]; ok && json.Unmarshal(v, &id) != nil {
		return bad("invalid id: want a string")
	}
	if v, ok := values["value"]; ok {
		if err := json.Unmarshal(v, &value); err != nil {
			return bad("invalid value: want a positive JSON number with at most 2 decimals, e.g. 12.15")
		}
	}
	if v, ok := values["currency"]; ok && json.Unmarshal(v, &currency) != nil {
		return bad("invalid currency: want a three-letter code such as EUR")
	}
	switch {
	case id == nil || *id == "":
		return bad("missing id")
	case value == nil:
		return bad("missing value")
	case currency == nil || *currency == "":
		return bad("missing currency")
	case value.Minor() <= 0:
		return bad("invalid value: must be greater than 0")
	case !isCurrencyCode(*currency):
		return bad("invalid currency: want a three-letter code such as EUR")
	case !safeToken.MatchString(*id):
		return bad("invalid id: want 1 to 128 characters from A-Z a-z 0-9 . _ : -")
	}
	return PaymentRequest{ID: *id, Value: *value, Currency: *currency}, http.StatusOK, nil
}

// objectFields splits a JSON object into its fields' raw values, refusing
// anything but one object whose keys are known, spelled exactly and not
// repeated.
func objectFields(raw []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New(`want an object {"id", "value", "currency"}`)
	}
	values := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("malformed object")
		}
		name, _ := tok.(string) // object keys are always strings
		known := false
		for _, f := range fields {
			known = known || name == f
		}
		if !known {
			return nil, errors.New(`unknown field: want only "id", "value" and "currency", in lower case`)
		}
		if _, dup := values[name]; dup {
			return nil, fmt.Errorf("duplicate field %q", name)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, errors.New("malformed object")
		}
		values[name] = value
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errors.New("malformed object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the object")
	}
	return values, nil
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
