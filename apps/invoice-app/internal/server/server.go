// Package server holds invoice-app's HTTP handlers and the pay run.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"sre.minikube/apps/invoice-app/internal/httpx"
	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
)

// payParallelism bounds the provider calls of one pay run.
const payParallelism = 4

// Payer pays one invoice; *payment.Client is the real one.
type Payer interface {
	Pay(ctx context.Context, req payment.Request) error
}

// Server serves the invoices.
type Server struct {
	store  *invoice.Store
	payer  Payer
	logger *slog.Logger
	// runs admits one pay run at a time: a second POST waits for the first
	// and then sees its outcome instead of racing it. The store's claims
	// alone already keep an invoice from being paid twice.
	runs chan struct{}
}

// New returns a server over store that pays through payer.
func New(store *invoice.Store, payer Payer, logger *slog.Logger) *Server {
	return &Server{store: store, payer: payer, logger: logger, runs: make(chan struct{}, 1)}
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler(ready *atomic.Bool) http.Handler {
	engine := httpx.NewEngine(s.logger)
	httpx.Health(engine, ready)
	engine.GET("/invoices", s.listInvoices)
	engine.POST("/invoices/pay", s.payInvoices)
	return engine
}

func (s *Server) listInvoices(c *gin.Context) {
	c.JSON(http.StatusOK, s.store.List())
}

// PayResult is the body of POST /invoices/pay.
type PayResult struct {
	Error  string    `json:"error,omitempty"`
	Paid   []string  `json:"paid"`
	Failed []Failure `json:"failed"`
}

// Failure names an invoice whose payment failed and why.
type Failure struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

func (s *Server) payInvoices(c *gin.Context) {
	result, err := s.PayAll(c.Request.Context())
	if err != nil {
		c.JSON(http.StatusServiceUnavailable, httpx.Error{Error: err.Error()})
		return
	}
	if len(result.Failed) > 0 {
		result.Error = fmt.Sprintf("payment failed for %d of %d invoices", len(result.Failed), len(result.Failed)+len(result.Paid))
		c.JSON(http.StatusBadGateway, result)
		return
	}
	c.JSON(http.StatusOK, result)
}

// PayAll pays every unpaid invoice, each through one provider call, and
// marks an invoice paid only when the provider answered 2xx. It fails only
// when ctx ends while waiting for another run.
func (s *Server) PayAll(ctx context.Context) (PayResult, error) {
	select {
	case s.runs <- struct{}{}:
	case <-ctx.Done():
		return PayResult{}, fmt.Errorf("waiting for the pay run in progress: %w", ctx.Err())
	}
	defer func() { <-s.runs }()

	// A client that hangs up must not cut payments off halfway: each call is
	// bounded by the payment timeout instead.
	callCtx := context.WithoutCancel(ctx)
	claimed := s.store.ClaimUnpaid()
	errs := make([]error, len(claimed))
	sem := make(chan struct{}, payParallelism)
	var wg sync.WaitGroup
	for i, inv := range claimed {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = s.payOne(callCtx, inv)
		}()
	}
	wg.Wait()

	result := PayResult{Paid: []string{}, Failed: []Failure{}}
	for i, inv := range claimed {
		if errs[i] != nil {
			result.Failed = append(result.Failed, Failure{ID: inv.InvoiceId, Error: errs[i].Error()})
		} else {
			result.Paid = append(result.Paid, inv.InvoiceId)
		}
	}
	return result, nil
}

func (s *Server) payOne(ctx context.Context, inv invoice.Invoice) error {
	start := time.Now()
	err := s.payer.Pay(ctx, payment.Request{ID: inv.InvoiceId, Value: inv.Value, Currency: inv.Currency})
	if settleErr := s.store.Settle(inv.InvoiceId, err == nil); settleErr != nil {
		// Only a bug gets here: the claim was ours.
		s.logger.ErrorContext(ctx, "settle", slog.String("invoice", inv.InvoiceId), slog.Any("error", settleErr))
	}
	attrs := []slog.Attr{
		slog.String("invoice", inv.InvoiceId),
		slog.String("value", inv.Value.String()),
		slog.String("currency", inv.Currency),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	}
	if err != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "payment failed", append(attrs, slog.String("error", err.Error()))...)
		return err
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "payment succeeded", attrs...)
	return nil
}
