// Package server holds invoice-app's HTTP handlers and the pay run.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"sre.minikube/apps/common/httpx"
	"sre.minikube/apps/invoice-app/internal/invoice"
	"sre.minikube/apps/invoice-app/internal/payment"
)

// payParallelism bounds the provider calls of one pay run.
const payParallelism = 4

// storeTimeout bounds one store operation of a pay run.
const storeTimeout = 5 * time.Second

// Payer pays one invoice; *payment.Client is the real one.
type Payer interface {
	Pay(ctx context.Context, req payment.Request) error
}

// run is one pay run; every POST that arrives while it lasts shares it.
type run struct {
	done   chan struct{}
	result PayResult
	err    error
}

// Server serves the invoices.
type Server struct {
	store  invoice.Store
	payer  Payer
	logger *slog.Logger

	mu      sync.Mutex
	current *run // the run in progress, nil when none
	runs    sync.WaitGroup
}

// New returns a server over store that pays through payer.
func New(store invoice.Store, payer Payer, logger *slog.Logger) *Server {
	return &Server{store: store, payer: payer, logger: logger}
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler(ready *atomic.Bool) http.Handler {
	engine := httpx.NewEngine(s.logger)
	httpx.Health(engine, ready, s.store.Ready)
	engine.GET("/invoices", s.listInvoices)
	engine.POST("/invoices/pay", httpx.RequireJSON, s.payInvoices)
	return engine
}

// errStoreUnavailable is what a client sees when the store fails: the
// cause (and the database's address) goes to the log only.
var errStoreUnavailable = errors.New("invoice store unavailable, try again later")

func (s *Server) listInvoices(c *gin.Context) {
	list, err := s.store.List(c.Request.Context())
	if err != nil {
		s.logger.ErrorContext(c.Request.Context(), "list invoices", slog.String("error", err.Error()))
		c.JSON(http.StatusServiceUnavailable, httpx.Error{Error: errStoreUnavailable.Error()})
		return
	}
	c.JSON(http.StatusOK, list)
}

// PayResult is the body of POST /invoices/pay.
type PayResult struct {
	Error  string    `json:"error,omitempty"`
	Paid   []string  `json:"paid"`
	Failed []Failure `json:"failed"`
	// Pending are unpaid invoices this run left alone: another run (on
	// this replica's peers) holds their claims.
	Pending []string `json:"pending"`
}

// Failure names an invoice whose payment failed and why, in words that
// never repeat payment-provider's answer or an address.
type Failure struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

func (s *Server) payInvoices(c *gin.Context) {
	result, err := s.PayAll(c.Request.Context())
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The client has gone or gave up; whatever is written is lost.
		c.JSON(http.StatusServiceUnavailable, httpx.Error{Error: "gave up waiting for the pay run in progress"})
	case err != nil:
		c.JSON(http.StatusServiceUnavailable, httpx.Error{Error: errStoreUnavailable.Error()})
	case len(result.Failed) > 0:
		result.Error = fmt.Sprintf("payment failed for %d of %d invoices", len(result.Failed), len(result.Failed)+len(result.Paid))
		c.JSON(http.StatusBadGateway, result)
	case len(result.Pending) > 0:
		c.JSON(http.StatusAccepted, result)
	default:
		c.JSON(http.StatusOK, result)
	}
}

// PayAll pays every unpaid invoice, each through one provider call, and
// marks an invoice paid only when the provider answered 2xx. A call that
// arrives while a run is in progress shares that run and its result rather
// than starting another. ctx bounds only the wait: a run, once started,
// finishes even when its callers hang up, and a caller that is already
// gone starts nothing.
func (s *Server) PayAll(ctx context.Context) (PayResult, error) {
	if err := ctx.Err(); err != nil {
		return PayResult{}, fmt.Errorf("not starting a pay run: %w", err)
	}
	s.mu.Lock()
	r := s.current
	if r == nil {
		r = &run{done: make(chan struct{})}
		s.current = r
		s.runs.Add(1)
		go s.execute(r)
	} else {
		s.logger.DebugContext(ctx, "waiting for the pay run in progress")
	}
	s.mu.Unlock()
	select {
	case <-r.done:
		return r.result, r.err
	case <-ctx.Done():
		return PayResult{}, fmt.Errorf("waiting for the pay run in progress: %w", ctx.Err())
	}
}

// Wait blocks until the run in progress, if any, has finished or ctx ends.
func (s *Server) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.runs.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("pay run still in progress: %w", ctx.Err())
	}
}

func (s *Server) execute(r *run) {
	defer s.runs.Done()
	r.result, r.err = s.payUnpaid(context.Background())
	s.mu.Lock()
	s.current = nil
	s.mu.Unlock()
	close(r.done)
}

// payUnpaid is one run: workers claim the unpaid invoices one at a time (a
// claim covers a single provider call), pay them and settle them. Each
// invoice is tried once per run.
func (s *Server) payUnpaid(ctx context.Context) (PayResult, error) {
	var (
		mu        sync.Mutex
		attempted []string
		result    = PayResult{Paid: []string{}, Failed: []Failure{}, Pending: []string{}}
		storeErr  error
	)
	// next claims the next invoice of this run. Claims are taken one at a
	// time (the calls to the provider run in parallel): an invoice a worker
	// has just released as unpaid must already be in attempted when another
	// worker claims, or this run would try it twice.
	var claiming sync.Mutex
	next := func() (invoice.Claim, bool) {
		claiming.Lock()
		defer claiming.Unlock()
		mu.Lock()
		skip := slices.Clone(attempted)
		stop := storeErr != nil
		mu.Unlock()
		if stop {
			return invoice.Claim{}, false
		}
		claimCtx, cancel := context.WithTimeout(ctx, storeTimeout)
		defer cancel()
		claim, ok, err := s.store.ClaimNext(claimCtx, skip)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			storeErr = errors.Join(storeErr, err)
			return invoice.Claim{}, false
		}
		if ok {
			attempted = append(attempted, claim.Invoice.InvoiceId)
		}
		return claim, ok
	}
	worker := func() {
		for {
			claim, ok := next()
			if !ok {
				return
			}
			failure := s.payOne(ctx, claim)
			mu.Lock()
			if failure != "" {
				result.Failed = append(result.Failed, Failure{ID: claim.Invoice.InvoiceId, Error: failure})
			} else {
				result.Paid = append(result.Paid, claim.Invoice.InvoiceId)
			}
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for range payParallelism {
		wg.Go(worker)
	}
	wg.Wait()
	if storeErr != nil {
		s.logger.ErrorContext(ctx, "pay run", slog.String("error", storeErr.Error()))
		if len(result.Paid) == 0 && len(result.Failed) == 0 {
			return PayResult{}, errStoreUnavailable
		}
	}
	listCtx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	list, err := s.store.List(listCtx)
	if err != nil {
		s.logger.ErrorContext(ctx, "pay run: list invoices", slog.String("error", err.Error()))
		return result, nil
	}
	for _, inv := range list {
		if !inv.IsPaid && !slices.Contains(attempted, inv.InvoiceId) {
			result.Pending = append(result.Pending, inv.InvoiceId)
		}
	}
	sortByList(&result, list)
	return result, nil
}

// sortByList puts the ids of result in the store's order, which the
// workers' finishing order is not.
func sortByList(result *PayResult, list []invoice.Invoice) {
	rank := make(map[string]int, len(list))
	for i, inv := range list {
		rank[inv.InvoiceId] = i
	}
	slices.SortFunc(result.Paid, func(a, b string) int { return rank[a] - rank[b] })
	slices.SortFunc(result.Failed, func(a, b Failure) int { return rank[a.ID] - rank[b.ID] })
}

// payOne pays one claimed invoice and settles the claim. It returns "" on
// success, or the reason a client may be shown.
func (s *Server) payOne(ctx context.Context, claim invoice.Claim) string {
	inv := claim.Invoice
	start := time.Now()
	attrs := []slog.Attr{
		slog.String("invoice", inv.InvoiceId),
		slog.String("value", inv.Value.String()),
		slog.String("currency", inv.Currency),
	}
	if claim.Recovered {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "claim recovered", attrs...)
	}
	err := s.payer.Pay(ctx, payment.Request{ID: inv.InvoiceId, Value: inv.Value, Currency: inv.Currency, Key: claim.PaymentKey})
	attrs = append(attrs, slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000))

	settleCtx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	settleErr := s.store.Settle(settleCtx, claim, err == nil)
	switch {
	case err != nil:
		s.logger.LogAttrs(ctx, slog.LevelWarn, "payment failed", append(attrs, slog.String("error", err.Error()))...)
		if settleErr != nil {
			s.logger.LogAttrs(ctx, slog.LevelWarn, "release claim", append(attrs, slog.String("error", settleErr.Error()))...)
		}
		return payment.Reason(err)
	case settleErr != nil:
		// Paid at the provider but not recorded: the claim expires, another
		// run sends the same idempotency key, and the provider answers with
		// its first answer, so the invoice is recorded paid without a second charge.
		s.logger.LogAttrs(ctx, slog.LevelError, "payment not recorded", append(attrs, slog.String("error", settleErr.Error()))...)
		return "paid, but recording it failed; it is recorded by a later pay run"
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "payment succeeded", attrs...)
	return ""
}
