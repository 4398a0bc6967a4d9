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

// DefaultPayWait bounds how long a POST /invoices/pay waits for the run
// when the server it is served by has no write timeout (tests).
const DefaultPayWait = 20 * time.Second

// run is one pay run; every POST that arrives while it lasts shares it.
type run struct {
	done chan struct{}
	mu   sync.Mutex
	// result is the progress while the run lasts, its outcome once done
	// is closed.
	result PayResult
	err    error
}

// progress returns a copy of what the run has done so far.
func (r *run) progress() PayResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return PayResult{
		Paid:     slices.Clone(r.result.Paid),
		Failed:   slices.Clone(r.result.Failed),
		Pending:  []string{},
		Rejected: []Failure{},
	}
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
	// Pending are unpaid invoices this answer does not settle: another
	// run (on this replica's peers) holds their claims, or, with Running,
	// this run has not come to them yet.
	Pending []string `json:"pending"`
	// Rejected are the invoices payment-provider refused as malformed, in
	// this run or before: they will never be paid and no run tries them.
	Rejected []Failure `json:"rejected"`
	// Running is true when the run was still paying as the answer was due
	// (202): POST again to wait for it, or read GET /invoices.
	Running bool `json:"running,omitempty"`
}

// Failure names an invoice whose payment failed and why, in words that
// never repeat payment-provider's answer or an address (but for the
// provider's reason of a refusal). Permanent is true when the provider
// refused the invoice as malformed: no run will try it again.
type Failure struct {
	ID        string `json:"id"`
	Error     string `json:"error"`
	Permanent bool   `json:"permanent,omitempty"`
}

// errAnswerDue ends the wait of a POST whose answer is due before the
// server's write timeout.
var errAnswerDue = errors.New("the answer is due")

// payWait returns how long a POST may wait for the pay run, and then how
// long listing the unpaid invoices may take: together two thirds and a
// sixth of the write timeout of the server that serves ctx, so the answer
// is written before that timeout cuts the connection.
func payWait(ctx context.Context) (wait, list time.Duration) {
	if srv, ok := ctx.Value(http.ServerContextKey).(*http.Server); ok && srv.WriteTimeout > 0 {
		return srv.WriteTimeout * 2 / 3, min(srv.WriteTimeout/6, storeTimeout)
	}
	return DefaultPayWait, storeTimeout
}

func (s *Server) payInvoices(c *gin.Context) {
	wait, listTimeout := payWait(c.Request.Context())
	ctx, cancel := context.WithTimeoutCause(c.Request.Context(), wait, errAnswerDue)
	defer cancel()
	result, err := s.PayAll(ctx)
	switch {
	case err != nil && context.Cause(ctx) == errAnswerDue:
		// Still paying: say how far it got and what is left.
		result.Running = true
		s.listOutstanding(c.Request.Context(), listTimeout, &result, nil)
		c.JSON(http.StatusAccepted, result)
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
		if len(result.Rejected) > 0 {
			result.Error = fmt.Sprintf("%d invoices were refused by payment-provider and will not be paid", len(result.Rejected))
		}
		c.JSON(http.StatusOK, result)
	}
}

// listOutstanding fills the Pending and Rejected of result from the store:
// the unpaid invoices it neither paid nor failed (nor attempted, when
// attempted is not nil), and the rejected ones.
func (s *Server) listOutstanding(ctx context.Context, timeout time.Duration, result *PayResult, attempted []string) {
	listCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	list, err := s.store.List(listCtx)
	if err != nil {
		s.logger.ErrorContext(ctx, "pay run: list invoices", slog.String("error", err.Error()))
		return
	}
	settled := slices.Clone(attempted)
	if attempted == nil {
		settled = slices.Clone(result.Paid)
		for _, f := range result.Failed {
			settled = append(settled, f.ID)
		}
	}
	for _, inv := range list {
		switch {
		case inv.PaymentError != "":
			result.Rejected = append(result.Rejected, Failure{ID: inv.InvoiceId, Error: inv.PaymentError, Permanent: true})
		case !inv.IsPaid && !slices.Contains(settled, inv.InvoiceId):
			result.Pending = append(result.Pending, inv.InvoiceId)
		}
	}
	sortByList(result, list)
}

// PayAll pays every unpaid invoice, each through one provider call, and
// marks an invoice paid only when the provider answered 2xx. A call that
// arrives while a run is in progress shares that run and its result rather
// than starting another. ctx bounds only the wait: a run, once started,
// finishes even when its callers hang up, and a caller that is already
// gone starts nothing. When ctx ends first, PayAll returns the run's
// progress so far with ctx's error.
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
		return r.progress(), fmt.Errorf("waiting for the pay run in progress: %w", ctx.Err())
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
	result, err := s.payUnpaid(context.Background(), r)
	r.mu.Lock()
	r.result, r.err = result, err
	r.mu.Unlock()
	s.mu.Lock()
	s.current = nil
	s.mu.Unlock()
	close(r.done)
}

// payUnpaid is one run: workers claim the unpaid invoices one at a time (a
// claim covers a single provider call), pay them and settle them. Each
// invoice is tried once per run. The run's progress is kept in r.
func (s *Server) payUnpaid(ctx context.Context, r *run) (PayResult, error) {
	var (
		mu        sync.Mutex
		attempted []string
		storeErr  error
	)
	r.mu.Lock()
	r.result = PayResult{Paid: []string{}, Failed: []Failure{}, Pending: []string{}, Rejected: []Failure{}}
	r.mu.Unlock()
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
			failure, permanent := s.payOne(ctx, claim)
			r.mu.Lock()
			if failure != "" {
				r.result.Failed = append(r.result.Failed, Failure{ID: claim.Invoice.InvoiceId, Error: failure, Permanent: permanent})
			} else {
				r.result.Paid = append(r.result.Paid, claim.Invoice.InvoiceId)
			}
			r.mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for range payParallelism {
		wg.Go(worker)
	}
	wg.Wait()
	result := r.progress()
	if storeErr != nil {
		s.logger.ErrorContext(ctx, "pay run", slog.String("error", storeErr.Error()))
		if len(result.Paid) == 0 && len(result.Failed) == 0 {
			return PayResult{}, errStoreUnavailable
		}
	}
	s.listOutstanding(ctx, storeTimeout, &result, attempted)
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
	slices.SortFunc(result.Pending, func(a, b string) int { return rank[a] - rank[b] })
	slices.SortFunc(result.Rejected, func(a, b Failure) int { return rank[a.ID] - rank[b.ID] })
}

// payOne pays one claimed invoice and settles the claim. It returns "" on
// success, or the reason a client may be shown and whether the failure is
// permanent (the provider refused the invoice as malformed: it is marked
// so, with the provider's reason, and never tried again).
func (s *Server) payOne(ctx context.Context, claim invoice.Claim) (string, bool) {
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
	if refusal, refused := payment.Refusal(err); refused {
		attrs = append(attrs, slog.String("error", err.Error()))
		if rejectErr := s.store.Reject(settleCtx, claim, refusal); rejectErr != nil {
			// Not recorded: the claim expires and a later run is refused again.
			s.logger.LogAttrs(ctx, slog.LevelWarn, "payment refused, refusal not recorded", append(attrs, slog.String("record_error", rejectErr.Error()))...)
			return refusal, false
		}
		s.logger.LogAttrs(ctx, slog.LevelWarn, "payment refused for good", attrs...)
		return refusal, true
	}
	settleErr := s.store.Settle(settleCtx, claim, err == nil)
	switch {
	case err != nil:
		s.logger.LogAttrs(ctx, slog.LevelWarn, "payment failed", append(attrs, slog.String("error", err.Error()))...)
		if settleErr != nil {
			s.logger.LogAttrs(ctx, slog.LevelWarn, "release claim", append(attrs, slog.String("error", settleErr.Error()))...)
		}
		return payment.Reason(err), false
	case settleErr != nil:
		// Paid at the provider but not recorded: the claim expires, another
		// run sends the same idempotency key, and the provider answers with
		// its first answer, so the invoice is recorded paid without a second charge.
		s.logger.LogAttrs(ctx, slog.LevelError, "payment not recorded", append(attrs, slog.String("error", settleErr.Error()))...)
		return "paid, but recording it failed; it is recorded by a later pay run", false
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "payment succeeded", attrs...)
	return "", false
}
