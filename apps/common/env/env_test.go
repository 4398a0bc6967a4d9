package env

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLoadServer(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		want   Server
		errs   []string // each must appear in one of the errors, in order
	}{
		{
			name:   "defaults",
			values: nil,
			want:   Server{ListenAddr: ":9000", DrainDelay: 3 * time.Second, ShutdownTimeout: 10 * time.Second, LogLevel: slog.LevelInfo},
		},
		{
			name:   "all set",
			values: map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DRAIN_DELAY": "0s", "SHUTDOWN_TIMEOUT": "1500ms", "LOG_LEVEL": "debug"},
			want:   Server{ListenAddr: "127.0.0.1:0", DrainDelay: 0, ShutdownTimeout: 1500 * time.Millisecond, LogLevel: slog.LevelDebug},
		},
		{
			name:   "every value wrong, every problem named",
			values: map[string]string{"LISTEN_ADDR": "9000", "DRAIN_DELAY": "-1s", "SHUTDOWN_TIMEOUT": "0s", "LOG_LEVEL": "loud"},
			errs:   []string{"LISTEN_ADDR=\"9000\"", "DRAIN_DELAY=\"-1s\": must be between 0s and 10m0s", "SHUTDOWN_TIMEOUT=\"0s\": must be between 1ms and 10m0s", "LOG_LEVEL=\"loud\""},
		},
		{
			name:   "port out of range",
			values: map[string]string{"LISTEN_ADDR": ":65536"},
			errs:   []string{"LISTEN_ADDR=\":65536\": port must be a number from 0 to 65535"},
		},
		{
			name:   "not a duration",
			values: map[string]string{"SHUTDOWN_TIMEOUT": "ten"},
			errs:   []string{"SHUTDOWN_TIMEOUT=\"ten\": want a Go duration such as \"10s\""},
		},
		{
			name:   "longer than ten minutes",
			values: map[string]string{"DRAIN_DELAY": "11m"},
			errs:   []string{"DRAIN_DELAY=\"11m\": must be between 0s and 10m0s"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := LoadServer(Map(tc.values), ":9000")
			if len(errs) != len(tc.errs) {
				t.Fatalf("errors = %v, want %d matching %q", errs, len(tc.errs), tc.errs)
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tc.errs[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, tc.errs[i])
				}
			}
			if tc.errs == nil && got != tc.want {
				t.Errorf("LoadServer = %+v, want %+v", got, tc.want)
			}
		})
	}
}
