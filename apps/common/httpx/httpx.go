// Package httpx holds the HTTP plumbing: gin set-up, request logging, health
// endpoints and the server's life cycle with a graceful shutdown.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// MaxRequestBytes bounds every request body.
const MaxRequestBytes = 64 << 10

// Error is the JSON body of every error answer.
type Error struct {
	Error string `json:"error"`
}

// NewEngine returns a gin engine in release mode with JSON 404/405 answers,
// panic recovery, a body size limit and one log line per request.
func NewEngine(logger *slog.Logger) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.HandleMethodNotAllowed = true
	// Trust no forwarding header: the logged client is the peer address,
	// which a caller cannot spoof.
	if err := engine.SetTrustedProxies(nil); err != nil {
		panic(err) // nil is always a valid list
	}
	engine.Use(requestLog(logger), recovery(logger), limitBody)
	engine.NoRoute(func(c *gin.Context) {
		c.JSON(http.StatusNotFound, Error{Error: "not found: " + c.Request.Method + " " + c.Request.URL.Path})
	})
	engine.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, Error{Error: "method not allowed: " + c.Request.Method + " " + c.Request.URL.Path})
	})
	return engine
}

// readyCheckTimeout bounds one readiness check (a database ping).
const readyCheckTimeout = 2 * time.Second

// Health adds GET /healthz (the process serves) and GET /readyz (ready to
// take traffic: started, not shutting down, and check, if any, passes).
// check looks at what this service owns (its database), never at another
// service, so an outage elsewhere cannot take this one out of rotation.
func Health(engine *gin.Engine, ready *atomic.Bool, check func(context.Context) error) {
	engine.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	engine.GET("/readyz", func(c *gin.Context) {
		if !ready.Load() {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready"})
			return
		}
		if check != nil {
			ctx, cancel := context.WithTimeout(c.Request.Context(), readyCheckTimeout)
			defer cancel()
			if err := check(ctx); err != nil {
				c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "database unavailable"})
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	})
}

// RequireJSON answers 415 to a request whose Content-Type is not
// application/json, or names a charset other than UTF-8 (JSON is UTF-8;
// a body in UTF-16 would be read as something else than was sent).
// Browsers send a cross-site form post as a form or as text/plain without
// asking first, so such a post never reaches a handler.
func RequireJSON(c *gin.Context) {
	mediaType, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mediaType != "application/json" {
		c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, Error{Error: "Content-Type must be application/json"})
		return
	}
	if charset, named := params["charset"]; named && !strings.EqualFold(charset, "utf-8") {
		c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, Error{Error: "Content-Type charset must be utf-8 (or none): JSON is UTF-8"})
		return
	}
	c.Next()
}

func requestLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		if c.Writer.Status() >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		logger.LogAttrs(c.Request.Context(), level, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", c.ClientIP()),
		)
	}
}

func recovery(logger *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, recovered any) {
		logger.ErrorContext(c.Request.Context(), "panic", slog.Any("panic", recovered), slog.String("path", c.Request.URL.Path))
		c.AbortWithStatusJSON(http.StatusInternalServerError, Error{Error: "internal error"})
	})
}

func limitBody(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxRequestBytes)
	c.Next()
}

// Serve runs srv on ln until ctx ends. Then readiness turns false while the
// server keeps serving for drainDelay (time for the endpoints to forget this
// process), then it stops taking new connections, lets in-flight requests
// finish within shutdownTimeout and returns. It returns nil after a clean
// shutdown and an error when serving failed or the shutdown ran out of time.
func Serve(ctx context.Context, logger *slog.Logger, srv *http.Server, ln net.Listener, ready *atomic.Bool, drainDelay, shutdownTimeout time.Duration) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	ready.Store(true)
	logger.Info("listening", slog.String("addr", ln.Addr().String()))

	select {
	case err := <-serveErr:
		ready.Store(false)
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	ready.Store(false)
	if drainDelay > 0 {
		logger.Info("draining", slog.String("delay", drainDelay.String()))
		select {
		case <-time.After(drainDelay):
		case err := <-serveErr:
			return fmt.Errorf("serve: %w", err)
		}
	}
	logger.Info("shutting down", slog.String("timeout", shutdownTimeout.String()))
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("graceful shutdown within %s: %w", shutdownTimeout, err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// NewServer returns an http.Server with timeouts; writeTimeout bounds the
// slowest handler.
func NewServer(handler http.Handler, logger *slog.Logger, writeTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
