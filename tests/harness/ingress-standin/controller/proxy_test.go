package main

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// seen is what the test backend received.
type seen struct {
	Backend string
	Host    string
	URI     string
	Header  http.Header
}

// backend answers every request with what it saw, as JSON.
func backend(t *testing.T, name string) (*httptest.Server, int) {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(seen{Backend: name, Host: r.Host, URI: r.RequestURI, Header: r.Header})
	}))
	t.Cleanup(server.Close)
	_, port, _ := net.SplitHostPort(server.Listener.Addr().String())
	n, _ := strconv.Atoi(port)
	return server, n
}

// closedPort is a local port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	listener.Close()
	return port
}

func proxyTable(t *testing.T) *table {
	t.Helper()
	_, appPort := backend(t, "app")
	_, apiPort := backend(t, "api")
	gonePort := closedPort(t)
	services := fmt.Sprintf(`[
	 {"metadata": {"namespace": "shop", "name": "app"},
	  "spec": {"clusterIP": "127.0.0.1", "ports": [{"name": "http", "port": %d}]}},
	 {"metadata": {"namespace": "shop", "name": "api"},
	  "spec": {"clusterIP": "127.0.0.1", "ports": [{"port": %d}]}},
	 {"metadata": {"namespace": "shop", "name": "headless"},
	  "spec": {"clusterIP": "None", "ports": [{"port": 80}]}},
	 {"metadata": {"namespace": "shop", "name": "gone"},
	  "spec": {"clusterIP": "127.0.0.1", "ports": [{"port": %d}]}}
	]`, appPort, apiPort, gonePort)
	ingresses := fmt.Sprintf(`[
	 {"metadata": {"namespace": "shop", "name": "shop"},
	  "spec": {"rules": [{"host": "shop.test", "http": {"paths": [
	   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "app", "port": {"name": "http"}}}},
	   {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": %d}}}},
	   {"path": "/down", "pathType": "Prefix", "backend": {"service": {"name": "headless", "port": {"number": 80}}}},
	   {"path": "/missing", "pathType": "Prefix", "backend": {"service": {"name": "nosuch", "port": {"number": 80}}}},
	   {"path": "/gone", "pathType": "Prefix", "backend": {"service": {"name": "gone", "port": {"number": %d}}}}
	  ]}}]}}
	]`, apiPort, gonePort)
	byName := map[string]*service{}
	for _, svc := range decode[[]*service](t, services) {
		byName[svc.Metadata.Namespace+"/"+svc.Metadata.Name] = svc
	}
	return buildTable(decode[[]*ingress](t, ingresses), byName)
}

func TestProxy(t *testing.T) {
	routes := proxyTable(t)
	front := httptest.NewServer(&proxy{routes: func() *table { return routes }, transport: newTransport()})
	defer front.Close()
	_, frontPort, _ := net.SplitHostPort(front.Listener.Addr().String())

	cases := []struct {
		host, uri string
		status    int
		backend   string // the backend that answers, for 200
	}{
		{"shop.test", "/invoices?paid=true", http.StatusOK, "app"},
		{"shop.test:80", "/api/v1/pay", http.StatusOK, "api"},
		{"SHOP.TEST", "/apiary", http.StatusOK, "app"},
		{"unknown.test", "/", http.StatusNotFound, ""},
		{"shop.test", "/down", http.StatusServiceUnavailable, ""},
		{"shop.test", "/missing/x", http.StatusServiceUnavailable, ""},
		{"shop.test", "/gone", http.StatusBadGateway, ""},
	}
	for _, tc := range cases {
		req, err := http.NewRequest(http.MethodGet, front.URL+tc.uri, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		req.Header.Set("X-Forwarded-For", "203.0.113.9") // not trusted: replaced
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s%s: %v", tc.host, tc.uri, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s%s: status %d, want %d (%s)", tc.host, tc.uri, resp.StatusCode, tc.status, body)
			continue
		}
		if tc.status != http.StatusOK {
			continue
		}
		var got seen
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s%s: %v: %s", tc.host, tc.uri, err, body)
		}
		want := map[string]string{
			"backend":           tc.backend,
			"host":              tc.host,
			"uri":               tc.uri,
			"X-Forwarded-For":   "127.0.0.1",
			"X-Forwarded-Host":  tc.host,
			"X-Forwarded-Proto": "http",
			"X-Forwarded-Port":  frontPort,
			"X-Real-Ip":         "127.0.0.1",
		}
		have := map[string]string{"backend": got.Backend, "host": got.Host, "uri": got.URI}
		for name := range want {
			if _, ok := have[name]; !ok {
				have[name] = got.Header.Get(name)
			}
		}
		for name, value := range want {
			if have[name] != value {
				t.Errorf("%s%s: %s is %q, want %q", tc.host, tc.uri, name, have[name], value)
			}
		}
	}
}

func TestProxyTLS(t *testing.T) {
	routes := proxyTable(t)
	front := httptest.NewUnstartedServer(&proxy{routes: func() *table { return routes }, transport: newTransport()})
	cert, err := selfSignedCertificate()
	if err != nil {
		t.Fatal(err)
	}
	front.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	front.StartTLS()
	defer front.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // self-signed
	req, _ := http.NewRequest(http.MethodGet, front.URL+"/api", nil)
	req.Host = "shop.test"
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got seen
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Backend != "api" || got.Header.Get("X-Forwarded-Proto") != "https" {
		t.Errorf("got backend %q, X-Forwarded-Proto %q; want api, https", got.Backend, got.Header.Get("X-Forwarded-Proto"))
	}
}

func TestProxyBeforeFirstSync(t *testing.T) {
	for _, p := range []*proxy{{}, {routes: func() *table { return nil }}} {
		w := httptest.NewRecorder()
		p.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://shop.test/", nil))
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", w.Code)
		}
	}
}

func TestHealth(t *testing.T) {
	var ready atomic.Bool
	handler := healthHandler(&ready)
	for _, want := range []int{http.StatusServiceUnavailable, http.StatusOK} {
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if w.Code != want {
			t.Errorf("ready %t: status %d, want %d (%s)", ready.Load(), w.Code, want, strings.TrimSpace(w.Body.String()))
		}
		ready.Store(true)
	}
}
