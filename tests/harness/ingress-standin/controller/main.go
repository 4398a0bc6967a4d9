// Command controller stands in for ingress-nginx's /nginx-ingress-controller
// in the harness's real minikube cluster, where ingress-nginx cannot be
// built. minikube's ingress addon starts it with ingress-nginx's flags. It is
// a small HTTP reverse proxy written with Go's standard library:
//
//   - every second it lists the cluster's IngressClasses, Ingresses,
//     Services and EndpointSlices, keeps the Ingresses it is responsible for
//     (their class's spec.controller is --controller-class; without a class
//     when --watch-ingress-without-class) and turns their rules into a
//     routing table (routes.go, sync.go);
//   - on :80, and on :443 with a self-signed certificate, it routes each
//     request by host and path to the backend Service's cluster IP and port,
//     503 when the Service has no ready endpoint (proxy.go);
//   - it reports the publish-status address, or the address of the node it
//     runs on, in the status of the Ingresses it serves, as ingress-nginx
//     does without a publish service;
//   - it answers the addon's admission webhook, allowing every Ingress
//     (webhook.go), and serves /healthz on :10254 for the addon's probes once
//     the proxy listens and the first read of the API succeeded.
//
// Invoked as /wait-shutdown (the addon's preStop hook) it just exits.
// Test harness only (tests/harness/ingress-images.sh); never shipped.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"sre.minikube/ingress-standin/internal/kubeapi"
)

const (
	httpAddr   = ":80"
	httpsAddr  = ":443"
	healthAddr = ":10254"
	syncEvery  = time.Second
)

// options are the ingress-nginx flags this stand-in acts on; it logs and
// ignores the others (config maps of nginx settings, election id...).
type options struct {
	controllerClass       string
	ingressClass          string
	watchWithoutClass     bool
	webhookAddr           string
	webhookCert           string
	webhookKey            string
	publishStatusAddress  string
	defaultSSLCertificate string
}

func parseFlags(args []string) options {
	opts := options{controllerClass: "k8s.io/ingress-nginx", ingressClass: "nginx"}
	for _, arg := range args {
		name, value, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch name {
		case "controller-class":
			opts.controllerClass = value
		case "ingress-class":
			opts.ingressClass = value
		case "watch-ingress-without-class":
			opts.watchWithoutClass = value == "" || value == "true"
		case "validating-webhook":
			opts.webhookAddr = value
		case "validating-webhook-certificate":
			opts.webhookCert = value
		case "validating-webhook-key":
			opts.webhookKey = value
		case "publish-status-address":
			opts.publishStatusAddress = value
		case "default-ssl-certificate":
			opts.defaultSSLCertificate = value
		default:
			log.Printf("ignoring ingress-nginx flag %q", arg)
		}
	}
	return opts
}

// serve runs server on listener until it is shut down; any other end is fatal.
func serve(server *http.Server, listener net.Listener, what string) {
	var err error
	if server.TLSConfig != nil {
		err = server.ServeTLS(listener, "", "")
	} else {
		err = server.Serve(listener)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("%s on %s: %v", what, listener.Addr(), err)
	}
}

// healthHandler answers /healthz: 200 once ready is set, 503 before.
func healthHandler(ready *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			http.Error(w, "not ready: the proxy has not read the cluster's Ingresses yet", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	return mux
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	if filepath.Base(os.Args[0]) == "wait-shutdown" {
		return
	}
	opts := parseFlags(os.Args[1:])
	if opts.defaultSSLCertificate != "" {
		log.Printf("default SSL certificate %s is not served by the stand-in", opts.defaultSSLCertificate)
	}
	var servers []*http.Server
	if opts.webhookAddr != "" {
		server, listener, err := webhookServer(opts)
		if err != nil {
			log.Fatal(err)
		}
		servers = append(servers, server)
		go serve(server, listener, "admission webhook")
	}

	var ready atomic.Bool
	health := &http.Server{Addr: healthAddr, Handler: healthHandler(&ready), ReadHeaderTimeout: 10 * time.Second}
	healthListener, err := net.Listen("tcp", healthAddr)
	if err != nil {
		log.Fatalf("health endpoint: %v", err)
	}
	servers = append(servers, health)
	go serve(health, healthListener, "health endpoint")

	client, err := kubeapi.InCluster()
	if err != nil {
		log.Fatalf("API server: %v", err)
	}
	ctl := newController(opts, client)

	cert, err := selfSignedCertificate()
	if err != nil {
		log.Fatalf("certificate for %s: %v", httpsAddr, err)
	}
	transport := newTransport()
	for _, entry := range []struct {
		addr string
		tls  *tls.Config
	}{
		{httpAddr, nil},
		{httpsAddr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}},
	} {
		listener, err := net.Listen("tcp", entry.addr)
		if err != nil {
			log.Fatalf("proxy: %v", err)
		}
		server := &http.Server{
			Handler:           &proxy{routes: ctl.routes, transport: transport},
			TLSConfig:         entry.tls,
			ReadHeaderTimeout: 60 * time.Second,
			ErrorLog:          log.Default(),
		}
		servers = append(servers, server)
		go serve(server, listener, "proxy")
	}
	log.Printf("proxy listening on %s and %s for the Ingresses of controller class %s (without a class too: %t)",
		httpAddr, httpsAddr, opts.controllerClass, opts.watchWithoutClass)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go ctl.run(ctx, syncEvery, &ready)
	<-ctx.Done()
	log.Print("stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, server := range servers {
		_ = server.Shutdown(shutdown)
	}
}
