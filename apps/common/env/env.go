// Package env validates the environment values every service reads (listen
// address, durations, log level), so that each refuses a bad value at start
// with a message that names the variable and says what to write instead.
package env

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"
)

const maxTimeout = 10 * time.Minute

// ListenAddr validates LISTEN_ADDR: "host:port" or ":port", port 0-65535.
func ListenAddr(value, fallback string) (string, error) {
	if value == "" {
		return fallback, nil
	}
	_, port, err := net.SplitHostPort(value)
	if err != nil {
		return "", fmt.Errorf("LISTEN_ADDR=%q: want host:port or :port, e.g. %q: %w", value, fallback, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("LISTEN_ADDR=%q: port must be a number from 0 to 65535", value)
	}
	return value, nil
}

// Duration validates a Go duration ("5s", "1500ms") between 1ms and 10m.
func Duration(name, value string, fallback time.Duration) (time.Duration, error) {
	return duration(name, value, fallback, time.Millisecond, "")
}

// Delay validates a Go duration between 0 and 10m; "0s" turns it off.
func Delay(name, value string, fallback time.Duration) (time.Duration, error) {
	return duration(name, value, fallback, 0, ", or 0s for none")
}

func duration(name, value string, fallback, least time.Duration, hint string) (time.Duration, error) {
	if value == "" {
		return fallback, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a Go duration such as %q%s: %w", name, value, fallback.String(), hint, err)
	}
	if d < least || d > maxTimeout {
		return 0, fmt.Errorf("%s=%q: must be between %s and %s", name, value, least, maxTimeout)
	}
	return d, nil
}

// LogLevel validates LOG_LEVEL (default info).
func LogLevel(value string) (slog.Level, error) {
	if value == "" {
		return slog.LevelInfo, nil
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(value)); err != nil {
		return 0, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", value)
	}
	return level, nil
}

// Defaults of the settings every service shares.
const (
	DefaultDrainDelay      = 3 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
)

// Server holds the settings every service reads alike: where it listens, how
// it shuts down and how much it logs.
type Server struct {
	ListenAddr      string        // LISTEN_ADDR, host:port
	DrainDelay      time.Duration // DRAIN_DELAY, serving while not ready after SIGTERM
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT, bound of the graceful shutdown
	LogLevel        slog.Level    // LOG_LEVEL: debug, info, warn or error
}

// LoadServer reads the Server settings through getenv; listenAddr is the
// service's own default of LISTEN_ADDR. It returns every problem found.
func LoadServer(getenv func(string) string, listenAddr string) (Server, []error) {
	var errs []error
	var s Server
	var err error
	if s.ListenAddr, err = ListenAddr(getenv("LISTEN_ADDR"), listenAddr); err != nil {
		errs = append(errs, err)
	}
	if s.DrainDelay, err = Delay("DRAIN_DELAY", getenv("DRAIN_DELAY"), DefaultDrainDelay); err != nil {
		errs = append(errs, err)
	}
	if s.ShutdownTimeout, err = Duration("SHUTDOWN_TIMEOUT", getenv("SHUTDOWN_TIMEOUT"), DefaultShutdownTimeout); err != nil {
		errs = append(errs, err)
	}
	if s.LogLevel, err = LogLevel(getenv("LOG_LEVEL")); err != nil {
		errs = append(errs, err)
	}
	return s, errs
}

// Map returns a getenv that reads values, for tests and callers that hold
// their environment in a map.
func Map(values map[string]string) func(string) string {
	return func(key string) string { return values[key] }
}
