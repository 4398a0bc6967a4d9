package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// A request in flight when the shutdown starts still gets its answer, the
// server stops taking new ones, readiness drops, and Serve returns nil.
func TestServeShutsDownGracefully(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	var ready atomic.Bool
	engine := NewEngine(logger)
	Health(engine, &ready, nil)
	started := make(chan struct{})
	engine.GET("/slow", func(c *gin.Context) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		c.JSON(http.StatusOK, gin.H{"done": true})
	})
	url, cancel, served := serve(t, engine, &ready, 0, 5*time.Second)
	slow := make(chan int, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			slow <- -1
			return
		}
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	<-started
	cancel()
	if code := <-slow; code != http.StatusOK {
		t.Fatalf("in-flight request got %d, want 200", code)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the shutdown")
	}
	if ready.Load() {
		t.Fatal("still ready after shutdown")
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("a new request was served after the shutdown")
	}
}

// A handler that outlives the shutdown timeout makes Serve report it.
func TestServeReportsShutdownTimeout(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	var ready atomic.Bool
	engine := NewEngine(logger)
	started := make(chan struct{})
	release := make(chan struct{})
	engine.GET("/stuck", func(c *gin.Context) {
		close(started)
		<-release
	})
	defer close(release)
	url, cancel, served := serve(t, engine, &ready, 0, 100*time.Millisecond)
	go func() {
		if resp, err := http.Get(url + "/stuck"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	select {
	case err := <-served:
		if err == nil {
			t.Fatal("Serve = nil although a request outlived the shutdown timeout")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// After the signal the server answers for the drain delay, with readiness
// already 503, so a load balancer that has not yet seen the pod leave sends
// its last requests to a live server; only then does the listener close.
func TestServeDrainsBeforeShuttingDown(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	var ready atomic.Bool
	engine := NewEngine(logger)
	Health(engine, &ready, nil)
	const drain = 500 * time.Millisecond
	url, cancel, served := serve(t, engine, &ready, drain, time.Second)
	start := time.Now()
	cancel()
	waitFor(t, func() bool { return !ready.Load() })
	for path, want := range map[string]int{"/readyz": http.StatusServiceUnavailable, "/healthz": http.StatusOK} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatalf("GET %s during the drain: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s during the drain = %d, want %d", path, resp.StatusCode, want)
		}
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v", err)
	}
	if elapsed := time.Since(start); elapsed < drain {
		t.Fatalf("Serve returned after %s, before the %s drain delay", elapsed, drain)
	}
}

func TestReadinessCheck(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	cases := []struct {
		name       string
		ready      bool
		check      func(context.Context) error
		wantReady  int
		wantHealth int
	}{
		{"no check", true, nil, 200, 200},
		{"check passes", true, func(context.Context) error { return nil }, 200, 200},
		{"database down", true, func(context.Context) error { return errors.New("connection refused") }, 503, 200},
		{"shutting down", false, func(context.Context) error { return nil }, 503, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ready atomic.Bool
			ready.Store(tc.ready)
			engine := NewEngine(logger)
			Health(engine, &ready, tc.check)
			for path, want := range map[string]int{"/readyz": tc.wantReady, "/healthz": tc.wantHealth} {
				rec := httptest.NewRecorder()
				engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != want {
					t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
				}
				if bytes.Contains(rec.Body.Bytes(), []byte("refused")) {
					t.Errorf("GET %s shows the check's error: %s", path, rec.Body)
				}
			}
		})
	}
}

func TestRequireJSON(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	engine := NewEngine(logger)
	engine.POST("/act", RequireJSON, func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) })
	cases := map[string]int{
		"application/json":                   200,
		"application/json; charset=utf-8":    200,
		"Application/JSON":                   200,
		"":                                   415,
		"text/plain":                         415,
		"application/x-www-form-urlencoded":  415,
		"multipart/form-data; boundary=x":    415,
		"application/jsonp":                  415,
		"application/json;;":                 415,
		"application/json; charset=UTF-8":    200,
		"application/json; charset=utf-16":   415,
		"application/json; charset=utf-16le": 415,
		"application/json; charset=latin1":   415,
		"application/json; charset=\"\"":     415,
	}
	for contentType, want := range cases {
		req := httptest.NewRequest(http.MethodPost, "/act", bytes.NewReader([]byte("{}")))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Content-Type %q: %d, want %d", contentType, rec.Code, want)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	engine := NewEngine(logger)
	engine.POST("/echo", func(c *gin.Context) {
		if _, err := io.ReadAll(c.Request.Body); err != nil {
			c.JSON(http.StatusRequestEntityTooLarge, Error{Error: err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{})
	})
	for size, want := range map[int]int{MaxRequestBytes: 200, MaxRequestBytes + 1: 413} {
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/echo", bytes.NewReader(make([]byte, size))))
		if rec.Code != want {
			t.Errorf("body of %d bytes: %d, want %d", size, rec.Code, want)
		}
	}
}

// serve runs Serve on a loopback port until the returned cancel is called;
// served gets Serve's result.
func serve(t *testing.T, engine *gin.Engine, ready *atomic.Bool, drain, shutdown time.Duration) (url string, cancel func(), served chan error) {
	t.Helper()
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	served = make(chan error, 1)
	go func() {
		served <- Serve(ctx, logger, NewServer(engine, logger, 5*time.Second), ln, ready, drain, shutdown)
	}()
	waitFor(t, func() bool { return ready.Load() })
	return "http://" + ln.Addr().String(), cancel, served
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
