// Command controller stands in for ingress-nginx's /nginx-ingress-controller
// in the harness's real minikube cluster, where ingress-nginx cannot be
// built. minikube's ingress addon starts it with ingress-nginx's flags; it
// runs Traefik with its kubernetesingressnginx provider (which serves the
// same IngressClass and annotations) on ports 80 and 443, answers the
// addon's admission webhook (allowing every Ingress: no validation), and
// serves /healthz on :10254 for the addon's probes once Traefik answers.
// Like ingress-nginx without a publish service, it reports the address of
// the node it runs on in the status of the Ingresses it serves.
// Invoked as /wait-shutdown (the addon's preStop hook) it just exits.
// Test harness only (tests/harness/ingress-images.sh); never shipped.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"sre.minikube/ingress-standin/internal/kubeapi"
)

const (
	traefikBinary = "/usr/local/bin/traefik"
	pingAddr      = "127.0.0.1:10255"
	healthAddr    = ":10254"
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
	opts := options{controllerClass: "k8s.io/ingress-nginx"}
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

// traefikArgs translates the options into Traefik's static configuration.
func traefikArgs(opts options) []string {
	p := "--providers.kubernetesingressnginx"
	args := []string{
		"--entrypoints.web.address=:80",
		"--entrypoints.websecure.address=:443",
		"--entrypoints.websecure.http.tls=true",
		"--entrypoints.ping.address=" + pingAddr,
		"--ping=true",
		"--ping.entrypoint=ping",
		"--log.level=INFO",
		"--log.nocolor=true",
		// Tests send traffic to the cluster only: no update check, no usage data.
		"--global.checknewversion=false",
		"--global.sendanonymoususage=false",
		"--accesslog=true",
		p + "=true",
		p + ".controllerclass=" + opts.controllerClass,
		p + ".httpentrypoint=web",
		p + ".httpsentrypoint=websecure",
		fmt.Sprintf("%s.watchingresswithoutclass=%t", p, opts.watchWithoutClass),
	}
	if opts.ingressClass != "" {
		args = append(args, p+".ingressclass="+opts.ingressClass)
	}
	if opts.publishStatusAddress != "" {
		args = append(args, p+".publishstatusaddress="+opts.publishStatusAddress)
	}
	if opts.defaultSSLCertificate != "" {
		log.Printf("default SSL certificate %s is not served by the stand-in", opts.defaultSSLCertificate)
	}
	return args
}

// admissionReview is the part of admission.k8s.io/v1 AdmissionReview used here.
type admissionReview struct {
	APIVersion string             `json:"apiVersion"`
	Kind       string             `json:"kind"`
	Request    *admissionRequest  `json:"request,omitempty"`
	Response   *admissionResponse `json:"response,omitempty"`
}

type admissionRequest struct {
	UID string `json:"uid"`
}

type admissionResponse struct {
	UID     string `json:"uid"`
	Allowed bool   `json:"allowed"`
}

func admit(w http.ResponseWriter, r *http.Request) {
	var review admissionReview
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<20)).Decode(&review); err != nil || review.Request == nil {
		http.Error(w, "want an AdmissionReview with a request", http.StatusBadRequest)
		return
	}
	review.Response = &admissionResponse{UID: review.Request.UID, Allowed: true}
	review.Request = nil
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(review)
}

func serveWebhook(opts options) error {
	cert, err := tls.LoadX509KeyPair(opts.webhookCert, opts.webhookKey)
	if err != nil {
		return fmt.Errorf("webhook certificate: %w", err)
	}
	server := &http.Server{
		Addr:              opts.webhookAddr,
		Handler:           http.HandlerFunc(admit),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if err := server.ListenAndServeTLS("", ""); err != nil {
			log.Fatalf("admission webhook on %s: %v", opts.webhookAddr, err)
		}
	}()
	return nil
}

func serveHealth() {
	client := &http.Client{Timeout: 2 * time.Second}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		resp, err := client.Get("http://" + pingAddr + "/ping")
		if err != nil {
			http.Error(w, "traefik does not answer: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	})
	server := &http.Server{Addr: healthAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.ListenAndServe(); err != nil {
			log.Fatalf("health endpoint on %s: %v", healthAddr, err)
		}
	}()
}

// nodeAddress asks the API server for the address of the node this pod runs
// on (its status.hostIP); empty when it cannot tell.
func nodeAddress() string {
	client, err := kubeapi.InCluster()
	if err != nil {
		log.Printf("no node address for the Ingress status: %v", err)
		return ""
	}
	path := "/api/v1/namespaces/" + os.Getenv("POD_NAMESPACE") + "/pods/" + os.Getenv("POD_NAME")
	for attempt := 0; attempt < 30; attempt++ {
		var pod struct {
			Status struct {
				HostIP string `json:"hostIP"`
			} `json:"status"`
		}
		if _, err := client.Do(http.MethodGet, path, nil, &pod); err != nil {
			log.Printf("reading this pod: %v", err)
		} else if pod.Status.HostIP != "" {
			return pod.Status.HostIP
		}
		time.Sleep(time.Second)
	}
	return ""
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	if filepath.Base(os.Args[0]) == "wait-shutdown" {
		return
	}
	opts := parseFlags(os.Args[1:])
	if opts.webhookAddr != "" {
		if err := serveWebhook(opts); err != nil {
			log.Fatal(err)
		}
	}
	serveHealth()
	if opts.publishStatusAddress == "" {
		opts.publishStatusAddress = nodeAddress()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	args := traefikArgs(opts)
	log.Printf("starting %s %s", traefikBinary, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, traefikBinary, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		log.Print("stopped")
	case errors.As(err, &exit):
		log.Printf("traefik exited: %v", err)
		os.Exit(exit.ExitCode())
	case err != nil:
		log.Fatalf("traefik: %v", err)
	}
}
