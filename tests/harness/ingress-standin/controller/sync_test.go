package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"testing"
)

// fakeAPI answers GETs from lists (path -> JSON) and records PUTs.
type fakeAPI struct {
	lists map[string]string
	fail  map[string]bool
	puts  map[string]map[string]any
}

func (f *fakeAPI) Do(method, path string, in, out any) (int, error) {
	switch method {
	case http.MethodGet:
		if f.fail[path] {
			return http.StatusInternalServerError, errors.New("GET " + path + ": 500")
		}
		body, ok := f.lists[path]
		if !ok {
			return http.StatusNotFound, errors.New("GET " + path + ": 404")
		}
		return http.StatusOK, json.Unmarshal([]byte(body), out)
	case http.MethodPut:
		data, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		var obj map[string]any
		if err := json.Unmarshal(data, &obj); err != nil {
			return 0, err
		}
		f.puts[path] = obj
		return http.StatusOK, nil
	}
	return http.StatusMethodNotAllowed, errors.New(method)
}

const syncClasses = `{"items": [
 {"metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}},
 {"metadata": {"name": "other"}, "spec": {"controller": "example.test/other"}}
]}`

const syncIngresses = `{"items": [
 {"metadata": {"namespace": "shop", "name": "new", "creationTimestamp": "2026-01-02T00:00:00Z",
   "resourceVersion": "7", "labels": {"app": "shop"}},
  "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.test", "http": {"paths": [
   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "new", "port": {"number": 80}}}},
   {"path": "/new", "pathType": "Prefix", "backend": {"service": {"name": "new", "port": {"number": 80}}}}]}}]},
  "status": {"loadBalancer": {}}},
 {"metadata": {"namespace": "shop", "name": "old", "creationTimestamp": "2026-01-01T00:00:00Z"},
  "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.test", "http": {"paths": [
   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "old", "port": {"number": 80}}}}]}}]},
  "status": {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}]}}},
 {"metadata": {"namespace": "shop", "name": "foreign", "creationTimestamp": "2026-01-01T00:00:00Z"},
  "spec": {"ingressClassName": "other", "rules": [{"host": "foreign.test", "http": {"paths": [
   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "old", "port": {"number": 80}}}}]}}]}},
 {"metadata": {"namespace": "shop", "name": "classless", "creationTimestamp": "2026-01-01T00:00:00Z"},
  "spec": {"rules": [{"host": "classless.test", "http": {"paths": [
   {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "old", "port": {"number": 80}}}}]}}]}}
]}`

const syncServices = `{"items": [
 {"metadata": {"namespace": "shop", "name": "new"}, "spec": {"clusterIP": "10.0.0.1", "ports": [{"port": 80}]}},
 {"metadata": {"namespace": "shop", "name": "old"}, "spec": {"clusterIP": "10.0.0.2", "ports": [{"port": 80}]}}
]}`

// Service old has a ready endpoint, new has none ready.
const syncEndpointSlices = `{"items": [
 {"metadata": {"namespace": "shop", "labels": {"kubernetes.io/service-name": "old"}},
  "endpoints": [{"conditions": {"ready": false}}, {"conditions": {}}]},
 {"metadata": {"namespace": "shop", "labels": {"kubernetes.io/service-name": "new"}},
  "endpoints": [{"conditions": {"ready": false}}]}
]}`

func newFakeAPI() *fakeAPI {
	return &fakeAPI{
		lists: map[string]string{
			"/apis/networking.k8s.io/v1/ingressclasses": syncClasses,
			"/apis/networking.k8s.io/v1/ingresses":      syncIngresses,
			"/api/v1/services":                          syncServices,
			"/apis/discovery.k8s.io/v1/endpointslices":  syncEndpointSlices,
		},
		fail: map[string]bool{},
		puts: map[string]map[string]any{},
	}
}

func statusPath(name string) string {
	return "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/" + name + "/status"
}

func TestSync(t *testing.T) {
	cases := []struct {
		name              string
		flags             []string
		nodeAddress       string
		wantUpdated       []string // Ingresses whose status is written
		wantStatus        []any    // what status.loadBalancer.ingress is written
		wantRoutedClassic bool     // whether classless.test is routed
	}{
		{
			name:        "node address",
			nodeAddress: "192.168.49.2",
			wantUpdated: []string{"new"},
			wantStatus:  []any{map[string]any{"ip": "192.168.49.2"}},
		},
		{
			name:              "publish-status-address, Ingresses without class",
			flags:             []string{"--publish-status-address=10.1.2.3,ingress.example.test", "--watch-ingress-without-class=true"},
			wantUpdated:       []string{"classless", "new", "old"},
			wantStatus:        []any{map[string]any{"ip": "10.1.2.3"}, map[string]any{"hostname": "ingress.example.test"}},
			wantRoutedClassic: true,
		},
	}
	for _, tc := range cases {
		api := newFakeAPI()
		c := newController(parseFlags(tc.flags), api)
		c.nodeAddress = func() (string, error) {
			if tc.nodeAddress == "" {
				t.Errorf("%s: asked for the node's address", tc.name)
			}
			return tc.nodeAddress, nil
		}
		if err := c.sync(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}

		var updated []string
		for _, name := range []string{"new", "old", "foreign", "classless"} {
			obj, ok := api.puts[statusPath(name)]
			if !ok {
				continue
			}
			updated = append(updated, name)
			lb := obj["status"].(map[string]any)["loadBalancer"].(map[string]any)["ingress"]
			if !reflect.DeepEqual(lb, tc.wantStatus) {
				t.Errorf("%s: status of %s: %v, want %v", tc.name, name, lb, tc.wantStatus)
			}
		}
		slices.Sort(updated)
		if !slices.Equal(updated, tc.wantUpdated) {
			t.Errorf("%s: status written for %v, want %v", tc.name, updated, tc.wantUpdated)
		}
		// The update sends the whole object back, as listed.
		if obj := api.puts[statusPath("new")]; obj != nil {
			meta := obj["metadata"].(map[string]any)
			if obj["kind"] != "Ingress" || meta["resourceVersion"] != "7" ||
				!reflect.DeepEqual(meta["labels"], map[string]any{"app": "shop"}) || obj["spec"] == nil {
				t.Errorf("%s: the status update lost fields: %v", tc.name, obj)
			}
		}

		routes := c.routes()
		// The older Ingress wins the same host and path.
		if got, ok := routes.lookup("shop.test", "/"); !ok || got.addr != "10.0.0.2:80" {
			t.Errorf("%s: shop.test goes to %+v, want the old Ingress's 10.0.0.2:80", tc.name, got)
		}
		if got, _ := routes.lookup("shop.test", "/new"); got.unavailable != "Service shop/new has no ready endpoint" {
			t.Errorf("%s: shop.test/new goes to %+v, want unavailable: no ready endpoint", tc.name, got)
		}
		if _, ok := routes.lookup("foreign.test", "/"); ok {
			t.Errorf("%s: routes the Ingress of another controller", tc.name)
		}
		if _, ok := routes.lookup("classless.test", "/"); ok != tc.wantRoutedClassic {
			t.Errorf("%s: classless.test routed: %t, want %t", tc.name, ok, tc.wantRoutedClassic)
		}
	}
}

func TestSyncFailureKeepsRoutes(t *testing.T) {
	api := newFakeAPI()
	c := newController(parseFlags(nil), api)
	c.nodeAddress = func() (string, error) { return "", errors.New("no pod") }
	if err := c.sync(); err != nil {
		t.Fatal(err)
	}
	if len(api.puts) != 0 {
		t.Errorf("status written without an address: %v", api.puts)
	}
	before := c.routes()
	for path := range api.lists {
		api.fail[path] = true
		if err := c.sync(); err == nil {
			t.Errorf("sync passed while %s failed", path)
		}
		if c.routes() != before {
			t.Errorf("a failed read of %s replaced the routes", path)
		}
		api.fail[path] = false
	}
}

func TestLoadBalancerFor(t *testing.T) {
	got := loadBalancerFor(" 192.168.49.2, fd00::2 ,,ingress.test")
	want := []loadBalancerIngress{{IP: "192.168.49.2"}, {IP: "fd00::2"}, {Hostname: "ingress.test"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
