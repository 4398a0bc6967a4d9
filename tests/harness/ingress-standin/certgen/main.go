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
// REST API only (internal/kubeapi). Test harness only (tests/harness/ingress-images.sh).
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"log"
	"math/big"
	"net/http"
	"os"
	"strings"
	"time"

	"sre.minikube/ingress-standin/internal/kubeapi"
)

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

func create(c *kubeapi.Client, flags map[string]string) error {
	ns, name := flags["namespace"], flags["secret-name"]
	path := "/api/v1/namespaces/" + ns + "/secrets"
	status, err := c.Do(http.MethodGet, path+"/"+name, nil, nil)
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
	if _, err := c.Do(http.MethodPost, path, s, nil); err != nil {
		return err
	}
	log.Printf("secret %s/%s created for %s", ns, name, strings.Join(hosts, ", "))
	return nil
}

func patch(c *kubeapi.Client, flags map[string]string) error {
	if flags["patch-validating"] == "false" {
		log.Print("nothing to patch (--patch-validating=false)")
		return nil
	}
	var s secret
	if _, err := c.Do(http.MethodGet, "/api/v1/namespaces/"+flags["namespace"]+"/secrets/"+flags["secret-name"], nil, &s); err != nil {
		return err
	}
	ca := s.Data["ca"]
	if len(ca) == 0 {
		return fmt.Errorf("secret %s has no ca", flags["secret-name"])
	}
	path := "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + flags["webhook-name"]
	var config map[string]any
	if _, err := c.Do(http.MethodGet, path, nil, &config); err != nil {
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
	if _, err := c.Do(http.MethodPut, path, config, nil); err != nil {
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
	c, err := kubeapi.InCluster()
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
