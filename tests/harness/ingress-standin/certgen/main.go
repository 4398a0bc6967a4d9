// Command certgen stands in for ingress-nginx's kube-webhook-certgen in the
// harness's real minikube cluster: the ingress addon's two Jobs run it.
//
//	certgen create --host=a,b --namespace=NS --secret-name=NAME
//	    creates Secret NAME (keys ca, cert, key) holding a new CA and a
//	    serving certificate for the hosts, unless it exists already;
//	certgen patch --webhook-name=W --secret-name=NAME --namespace=NS
//	    [--patch-validating=true] [--patch-failure-policy=Fail]
//	    sets the CA of Secret NAME as the caBundle of every webhook of
//	    ValidatingWebhookConfiguration W (and its failure policy).
//
// It talks to the API server with the pod's service account, through the
// REST API only. Test harness only (tests/harness/ingress-images.sh).
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

const serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount"

type apiClient struct {
	base   string
	token  string
	client *http.Client
}

func newAPIClient() (*apiClient, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, fmt.Errorf("not in a pod: KUBERNETES_SERVICE_HOST/PORT are unset")
	}
	token, err := os.ReadFile(serviceAccount + "/token")
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(serviceAccount + "/ca.crt")
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s/ca.crt", serviceAccount)
	}
	return &apiClient{
		base:  "https://" + net.JoinHostPort(host, port),
		token: strings.TrimSpace(string(token)),
		client: &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		},
	}, nil
}

// do sends a JSON request; it returns the status code and decodes a 2xx body into out.
func (c *apiClient) do(method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(data, out)
	}
	return resp.StatusCode, nil
}

type secret struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   map[string]any    `json:"metadata"`
	Data       map[string][]byte `json:"data"`
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

// newCertificates returns a CA certificate, and a certificate and key for hosts signed by it, in PEM.
func newCertificates(hosts []string) (caPEM, certPEM, keyPEM []byte, err error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sre-minikube ingress stand-in CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	return pemBlock("CERTIFICATE", caDER), pemBlock("CERTIFICATE", leafDER), pemBlock("EC PRIVATE KEY", keyDER), nil
}

func create(c *apiClient, flags map[string]string) error {
	ns, name := flags["namespace"], flags["secret-name"]
	path := "/api/v1/namespaces/" + ns + "/secrets"
	status, err := c.do(http.MethodGet, path+"/"+name, nil, nil)
	if err == nil {
		log.Printf("secret %s/%s exists, keeping it", ns, name)
		return nil
	}
	if status != http.StatusNotFound {
		return err
	}
	var hosts []string
	for _, h := range strings.Split(flags["host"], ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		return fmt.Errorf("--host is required")
	}
	caPEM, certPEM, keyPEM, err := newCertificates(hosts)
	if err != nil {
		return err
	}
	s := secret{
		APIVersion: "v1", Kind: "Secret",
		Metadata: map[string]any{"name": name, "namespace": ns},
		Data:     map[string][]byte{"ca": caPEM, "cert": certPEM, "key": keyPEM},
	}
	if _, err := c.do(http.MethodPost, path, s, nil); err != nil {
		return err
	}
	log.Printf("secret %s/%s created for %s", ns, name, strings.Join(hosts, ", "))
	return nil
}

func patch(c *apiClient, flags map[string]string) error {
	if flags["patch-validating"] == "false" {
		log.Print("nothing to patch (--patch-validating=false)")
		return nil
	}
	var s secret
	if _, err := c.do(http.MethodGet, "/api/v1/namespaces/"+flags["namespace"]+"/secrets/"+flags["secret-name"], nil, &s); err != nil {
		return err
	}
	ca := s.Data["ca"]
	if len(ca) == 0 {
		return fmt.Errorf("secret %s has no ca", flags["secret-name"])
	}
	path := "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + flags["webhook-name"]
	var config map[string]any
	if _, err := c.do(http.MethodGet, path, nil, &config); err != nil {
		return err
	}
	webhooks, _ := config["webhooks"].([]any)
	for _, item := range webhooks {
		webhook, ok := item.(map[string]any)
		if !ok {
			continue
		}
		clientConfig, _ := webhook["clientConfig"].(map[string]any)
		if clientConfig == nil {
			clientConfig = map[string]any{}
			webhook["clientConfig"] = clientConfig
		}
		clientConfig["caBundle"] = base64.StdEncoding.EncodeToString(ca)
		if policy := flags["patch-failure-policy"]; policy != "" {
			webhook["failurePolicy"] = policy
		}
	}
	if _, err := c.do(http.MethodPut, path, config, nil); err != nil {
		return err
	}
	log.Printf("patched %d webhooks of %s", len(webhooks), flags["webhook-name"])
	return nil
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	if len(os.Args) < 2 {
		log.Fatal("usage: certgen create|patch --flag=value...")
	}
	flags := map[string]string{}
	for _, arg := range os.Args[2:] {
		name, value, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		flags[name] = value
	}
	c, err := newAPIClient()
	if err != nil {
		log.Fatal(err)
	}
	switch os.Args[1] {
	case "create":
		err = create(c, flags)
	case "patch":
		err = patch(c, flags)
	default:
		err = fmt.Errorf("unknown command %q (want create or patch)", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}
