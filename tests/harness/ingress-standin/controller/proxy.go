package main

import (
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"
)

// proxy routes each request by the current routing table: 404 when no
// Ingress routes it, 503 when its backend Service cannot be reached (none,
// no cluster IP, no such port, no ready endpoint), else it forwards the
// request to the Service's cluster IP and port (kube-proxy picks the pod),
// and 502 when that fails.
type proxy struct {
	// routes returns the current table; nil before the first sync.
	routes    func() *table
	transport http.RoundTripper
}

// newTransport is how the proxy connects to the Services, with
// ingress-nginx's default timeouts (connect 5 s, read 60 s). Each request
// gets a connection of its own: kube-proxy then picks a pod per request, as
// ingress-nginx balances each request over the endpoints, and no pooled
// connection outlives the Service, the pod or a NetworkPolicy it was made
// under (a connection made to a new cluster IP before kube-proxy knows it
// would otherwise keep going wherever it went).
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // never the environment's proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		DisableKeepAlives:     true,
		ResponseHeaderTimeout: 60 * time.Second,
	}
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var routes *table
	if p.routes != nil {
		routes = p.routes()
	}
	if routes == nil {
		http.Error(w, "503 the ingress controller has not read the Ingresses yet", http.StatusServiceUnavailable)
		return
	}
	to, ok := routes.lookup(r.Host, r.URL.Path)
	if !ok {
		http.Error(w, "404 no Ingress routes this host and path", http.StatusNotFound)
		return
	}
	if to.addr == "" {
		log.Printf("%s %s%s: 503: %s", r.Method, r.Host, r.URL.Path, to.unavailable)
		http.Error(w, "503 the backend is unavailable: "+to.unavailable, http.StatusServiceUnavailable)
		return
	}
	port := ""
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		_, port, _ = net.SplitHostPort(local.String())
	}
	reverse := &httputil.ReverseProxy{
		Rewrite: func(out *httputil.ProxyRequest) {
			out.SetURL(&url.URL{Scheme: "http", Host: to.addr})
			// The backend sees the Host the client asked for, as behind nginx.
			out.Out.Host = out.In.Host
			// X-Forwarded-For (the client's address), -Host and -Proto.
			out.SetXForwarded()
			if client, _, err := net.SplitHostPort(out.In.RemoteAddr); err == nil {
				out.Out.Header.Set("X-Real-IP", client)
			}
			if port != "" {
				out.Out.Header.Set("X-Forwarded-Port", port)
			}
		},
		Transport: p.transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			log.Printf("%s %s%s: 502: %s (%s): %v", r.Method, r.Host, r.URL.Path, to.source, to.addr, err)
			http.Error(w, "502 bad gateway", http.StatusBadGateway)
		},
	}
	reverse.ServeHTTP(w, r)
}
