package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

const testServices = `[
 {"metadata": {"namespace": "default", "name": "web"},
  "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.10", "ports": [{"name": "http", "port": 8080}, {"name": "admin", "port": 9090}]}},
 {"metadata": {"namespace": "default", "name": "api"},
  "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.11", "ports": [{"port": 80}]}},
 {"metadata": {"namespace": "default", "name": "idle"},
  "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.12", "ports": [{"port": 80}]}},
 {"metadata": {"namespace": "default", "name": "headless"},
  "spec": {"type": "ClusterIP", "clusterIP": "None", "ports": [{"port": 80}]}},
 {"metadata": {"namespace": "default", "name": "ext"},
  "spec": {"type": "ExternalName", "externalName": "backend.example.test"}},
 {"metadata": {"namespace": "other", "name": "web"},
  "spec": {"type": "ClusterIP", "clusterIP": "10.0.1.10", "ports": [{"name": "http", "port": 80}]}}
]`

// The Ingresses, oldest first (the order sync sorts them in).
const testIngresses = `[
 {"metadata": {"namespace": "default", "name": "site", "creationTimestamp": "2026-01-01T00:00:00Z"},
  "spec": {"rules": [{"host": "site.test", "http": {"paths": [
   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}},
   {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}},
   {"path": "/api/v2/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "admin"}}}},
   {"path": "/exact", "pathType": "Exact", "backend": {"service": {"name": "api", "port": {"number": 80}}}},
   {"path": "/impl", "pathType": "ImplementationSpecific", "backend": {"service": {"name": "web", "port": {"number": 8080}}}},
   {"path": "/headless", "pathType": "Prefix", "backend": {"service": {"name": "headless", "port": {"number": 80}}}},
   {"path": "/idle", "pathType": "Prefix", "backend": {"service": {"name": "idle", "port": {"number": 80}}}},
   {"path": "/missing", "pathType": "Prefix", "backend": {"service": {"name": "nosuch", "port": {"number": 80}}}},
   {"path": "/badname", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"name": "grpc"}}}},
   {"path": "/badnumber", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 81}}}},
   {"path": "/ext", "pathType": "Prefix", "backend": {"service": {"name": "ext", "port": {"number": 443}}}},
   {"path": "/bucket", "pathType": "Prefix", "backend": {"resource": {"kind": "Bucket", "name": "b"}}}
  ]}}]}},
 {"metadata": {"namespace": "default", "name": "wild", "creationTimestamp": "2026-01-02T00:00:00Z"},
  "spec": {"rules": [{"host": "*.apps.test", "http": {"paths": [
   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}},
 {"metadata": {"namespace": "default", "name": "nohost", "creationTimestamp": "2026-01-03T00:00:00Z"},
  "spec": {"rules": [{"http": {"paths": [
   {"path": "/any", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 9090}}}}]}}]}},
 {"metadata": {"namespace": "other", "name": "dup", "creationTimestamp": "2026-01-04T00:00:00Z"},
  "spec": {"rules": [{"host": "site.test", "http": {"paths": [
   {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}},
   {"path": "/other", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}}]}}]}},
 {"metadata": {"namespace": "default", "name": "hostdefault", "creationTimestamp": "2026-01-05T00:00:00Z"},
  "spec": {"defaultBackend": {"service": {"name": "web", "port": {"name": "http"}}},
   "rules": [{"host": "dflt.test", "http": {"paths": [
   {"path": "/x", "pathType": "Exact", "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}}
]`

// A default backend for everything nothing else routes.
const testFallbackIngress = `[
 {"metadata": {"namespace": "default", "name": "fallback", "creationTimestamp": "2026-01-06T00:00:00Z"},
  "spec": {"defaultBackend": {"service": {"name": "api", "port": {"number": 80}}}}}
]`

func decode[T any](t *testing.T, text string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return v
}

func testTable(t *testing.T, ingressLists ...string) *table {
	t.Helper()
	services := map[string]*service{}
	for _, svc := range decode[[]*service](t, testServices) {
		services[svc.Metadata.Namespace+"/"+svc.Metadata.Name] = svc
	}
	services["default/idle"].noReadyEndpoint = true
	var ingresses []*ingress
	for _, list := range ingressLists {
		ingresses = append(ingresses, decode[[]*ingress](t, list)...)
	}
	return buildTable(ingresses, services)
}

func TestLookup(t *testing.T) {
	without := testTable(t, testIngresses)
	with := testTable(t, testIngresses, testFallbackIngress)
	cases := []struct {
		host, path string
		// addr is where the request goes; "unavailable" for a 503,
		// "" for no route (404).
		addr string
		// withFallback is addr when an Ingress without rules has a
		// default backend; "same" when it is addr.
		withFallback string
	}{
		{"site.test", "/", "10.0.0.10:8080", "same"},
		{"site.test", "/anything/deep", "10.0.0.10:8080", "same"},
		{"SITE.test:80", "/api", "10.0.0.11:80", "same"},
		{"site.test.", "/api", "10.0.0.11:80", "same"},
		{"site.test", "/api/", "10.0.0.11:80", "same"},
		{"site.test", "/api/x", "10.0.0.11:80", "same"},
		// Prefix matches whole path elements.
		{"site.test", "/apix", "10.0.0.10:8080", "same"},
		// The longest prefix wins; its trailing slash does not count.
		{"site.test", "/api/v2", "10.0.0.10:9090", "same"},
		{"site.test", "/api/v2/x", "10.0.0.10:9090", "same"},
		{"site.test", "/api/v20", "10.0.0.11:80", "same"},
		{"site.test", "/exact", "10.0.0.11:80", "same"},
		{"site.test", "/exact/", "10.0.0.10:8080", "same"},
		{"site.test", "/exact/more", "10.0.0.10:8080", "same"},
		{"site.test", "/impl/a", "10.0.0.10:8080", "same"},
		{"site.test", "/headless", "unavailable", "same"},
		{"site.test", "/idle", "unavailable", "same"},
		{"site.test", "/missing/x", "unavailable", "same"},
		{"site.test", "/badname", "unavailable", "same"},
		{"site.test", "/badnumber", "unavailable", "same"},
		{"site.test", "/bucket", "unavailable", "same"},
		{"site.test", "/ext/x", "backend.example.test:443", "same"},
		// Two Ingresses for one host: their paths merge, the older wins a tie.
		{"site.test", "/other", "10.0.1.10:80", "same"},
		// Dot segments are resolved before matching.
		{"site.test", "/api/../other", "10.0.1.10:80", "same"},
		{"site.test", "//api", "10.0.0.11:80", "same"},
		// A wildcard covers exactly one more label.
		{"a.apps.test", "/", "10.0.0.11:80", "same"},
		{"A.Apps.Test:8080", "/x", "10.0.0.11:80", "same"},
		{"b.a.apps.test", "/", "", "10.0.0.11:80"},
		{"apps.test", "/any", "10.0.0.10:9090", "same"},
		// Hosts without a rule of their own get the rules without host.
		{"unknown.test", "/any/thing", "10.0.0.10:9090", "same"},
		{"unknown.test", "/", "", "10.0.0.11:80"},
		{"", "/any", "10.0.0.10:9090", "same"},
		{"192.168.49.2", "/", "", "10.0.0.11:80"},
		// A host's paths decide for it, the rules without host do not.
		{"site.test", "/any", "10.0.0.10:8080", "same"},
		{"dflt.test", "/any", "10.0.0.10:8080", "same"},
		// The default backend of the host's Ingress.
		{"dflt.test", "/x", "10.0.0.11:80", "same"},
		{"dflt.test", "/y", "10.0.0.10:8080", "same"},
	}
	for _, tc := range cases {
		for _, variant := range []struct {
			name   string
			routes *table
			want   string
		}{{"without fallback", without, tc.addr}, {"with fallback", with, tc.withFallback}} {
			if variant.want == "same" {
				variant.want = tc.addr
			}
			got, ok := variant.routes.lookup(tc.host, tc.path)
			var addr string
			switch {
			case !ok:
				addr = ""
			case got.addr == "":
				addr = "unavailable"
				if got.unavailable == "" {
					t.Errorf("%s: %s%s: unavailable without a reason", variant.name, tc.host, tc.path)
				}
			default:
				addr = got.addr
			}
			if addr != variant.want {
				t.Errorf("%s: %s%s: got %q (%+v), want %q", variant.name, tc.host, tc.path, addr, got, variant.want)
			}
		}
	}
}

func TestLookupEmptyTable(t *testing.T) {
	if got, ok := buildTable(nil, nil).lookup("site.test", "/"); ok {
		t.Errorf("an empty table routed a request to %+v", got)
	}
}

func TestResolveReasons(t *testing.T) {
	routes := testTable(t, testIngresses)
	for path, want := range map[string]string{
		"/headless":  "Service default/headless has no cluster IP",
		"/idle":      "Service default/idle has no ready endpoint",
		"/missing":   "no Service default/nosuch",
		"/badname":   "Service default/api has no port named grpc",
		"/badnumber": "Service default/api has no port 81",
		"/bucket":    "the backend is not a Service",
	} {
		got, _ := routes.lookup("site.test", path)
		if got.unavailable != want {
			t.Errorf("%s: got %q, want %q", path, got.unavailable, want)
		}
	}
}

func TestServedBy(t *testing.T) {
	classes := map[string]bool{"nginx": true}
	cases := []struct {
		name              string
		ingress           string
		watchWithoutClass bool
		want              bool
	}{
		{"our class", `{"spec": {"ingressClassName": "nginx"}}`, false, true},
		{"another class", `{"spec": {"ingressClassName": "other"}}`, true, false},
		{"no class, taken", `{"spec": {}}`, true, true},
		{"no class, not taken", `{"spec": {}}`, false, false},
		{"empty class, taken", `{"spec": {"ingressClassName": ""}}`, true, true},
		{"annotation of ours", `{"metadata": {"annotations": {"kubernetes.io/ingress.class": "nginx"}}}`, false, true},
		{"annotation of another", `{"metadata": {"annotations": {"kubernetes.io/ingress.class": "other"}}}`, true, false},
		{"the field before the annotation", `{"metadata": {"annotations": {"kubernetes.io/ingress.class": "nginx"}}, "spec": {"ingressClassName": "other"}}`, true, false},
	}
	for _, tc := range cases {
		opts := parseFlags([]string{"--watch-ingress-without-class=" + strconv.FormatBool(tc.watchWithoutClass)})
		ing := decode[*ingress](t, tc.ingress)
		if got := servedBy(ing, classes, opts); got != tc.want {
			t.Errorf("%s: got %t, want %t", tc.name, got, tc.want)
		}
	}
}

func TestCleanPath(t *testing.T) {
	for in, want := range map[string]string{
		"":            "/",
		"/":           "/",
		"/a/b":        "/a/b",
		"/a/b/":       "/a/b/",
		"//a//b":      "/a/b",
		"/a/./b/../c": "/a/c",
		"/../a":       "/a",
		"a":           "/a",
	} {
		if got := cleanPath(in); got != want {
			t.Errorf("cleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	opts := parseFlags(strings.Fields(`/nginx-ingress-controller --election-id=ingress-nginx-leader
		--controller-class=k8s.io/ingress-nginx --watch-ingress-without-class=true
		--configmap=ingress-nginx/ingress-nginx-controller --validating-webhook=:8443
		--validating-webhook-certificate=/usr/local/certificates/cert
		--validating-webhook-key=/usr/local/certificates/key`)[1:])
	want := options{
		controllerClass: "k8s.io/ingress-nginx", ingressClass: "nginx", watchWithoutClass: true,
		webhookAddr: ":8443", webhookCert: "/usr/local/certificates/cert", webhookKey: "/usr/local/certificates/key",
	}
	if opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
	if opts := parseFlags(nil); opts.watchWithoutClass || opts.controllerClass != "k8s.io/ingress-nginx" {
		t.Errorf("defaults: %+v", opts)
	}
}
