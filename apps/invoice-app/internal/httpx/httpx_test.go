package httpx

import (
	"bytes"
	"context"
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
	Health(engine, &ready)
	started := make(chan struct{})
	engine.GET("/slow", func(c *gin.Context) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		c.JSON(http.StatusOK, gin.H{"done": true})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, logger, NewServer(engine, logger, 5*time.Second), ln, &ready, 5*time.Second)
	}()

	waitFor(t, func() bool { return ready.Load() })
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, logger, NewServer(engine, logger, 5*time.Second), ln, &ready, 100*time.Millisecond)
	}()
	waitFor(t, func() bool { return ready.Load() })
	go func() {
		if resp, err := http.Get("http://" + ln.Addr().String() + "/stuck"); err == nil {
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
