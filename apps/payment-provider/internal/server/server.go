// Package server holds payment-provider's HTTP handlers.
package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"sre.minikube/apps/payment-provider/internal/httpx"
	"sre.minikube/apps/payment-provider/internal/money"
)

// PaymentRequest is the body of POST /payments/pay. Pointers tell a missing
// field from a zero one.
type PaymentRequest struct {
	ID       *string       `json:"id"`
	Value    *money.Amount `json:"value"`
	Currency *string       `json:"currency"`
}

// PaymentResponse is the body of a successful payment.
type PaymentResponse struct {
	ID string `json:"id"`
}

// Server accepts payments.
type Server struct {
	logger *slog.Logger
}

// New returns a server that logs to logger.
func New(logger *slog.Logger) *Server {
	return &Server{logger: logger}
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler(ready *atomic.Bool) http.Handler {
	engine := httpx.NewEngine(s.logger)
	httpx.Health(engine, ready)
	engine.POST("/payments/pay", s.pay)
	return engine
}

func (s *Server) pay(c *gin.Context) {
	req, status, err := decode(c.Request.Body)
	if err != nil {
		c.JSON(status, httpx.Error{Error: err.Error()})
		return
	}
	s.logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "payment accepted",
		slog.String("invoice", *req.ID),
		slog.String("value", req.Value.String()),
		slog.String("currency", *req.Currency))
	c.JSON(http.StatusOK, PaymentResponse{ID: *req.ID})
}

// decode reads and validates a payment request; on error it also returns
// the HTTP status to answer with.
func decode(body io.Reader) (PaymentRequest, int, error) {
	var req PaymentRequest
	raw, err := io.ReadAll(body)
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return req, http.StatusRequestEntityTooLarge, errors.New("body too large")
		}
		return req, http.StatusBadRequest, errors.New("cannot read body")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return req, http.StatusBadRequest, errors.New("empty body: want {\"id\", \"value\", \"currency\"}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&req); err != nil {
		if errors.Is(err, money.ErrInvalid) {
			return req, http.StatusBadRequest, errors.New("invalid value: want a positive JSON number with at most 2 decimals, e.g. 12.15")
		}
		return req, http.StatusBadRequest, errors.New("invalid JSON: want an object {\"id\", \"value\", \"currency\"}")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, http.StatusBadRequest, errors.New("invalid JSON: unexpected data after the object")
	}
	switch {
	case req.ID == nil || *req.ID == "":
		return req, http.StatusBadRequest, errors.New("missing id")
	case req.Value == nil:
		return req, http.StatusBadRequest, errors.New("missing value")
	case req.Currency == nil || *req.Currency == "":
		return req, http.StatusBadRequest, errors.New("missing currency")
	case req.Value.Minor() <= 0:
		return req, http.StatusBadRequest, errors.New("invalid value: must be greater than 0")
	case !isCurrencyCode(*req.Currency):
		return req, http.StatusBadRequest, errors.New("invalid currency: want a three-letter code such as EUR")
	case len(*req.ID) > 128:
		return req, http.StatusBadRequest, errors.New("invalid id: longer than 128 characters")
	}
	return req, http.StatusOK, nil
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
