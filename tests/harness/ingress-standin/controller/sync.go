package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// endpointSlice is the part of a discovery.k8s.io/v1 EndpointSlice read here.
type endpointSlice struct {
	Metadata struct {
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Endpoints []struct {
		Conditions struct {
			// nil means ready.
			Ready *bool `json:"ready"`
		} `json:"conditions"`
	} `json:"endpoints"`
}

// serviceNameLabel names the Service of an EndpointSlice.
const serviceNameLabel = "kubernetes.io/service-name"

// apiClient is the part of kubeapi.Client the controller uses.
type apiClient interface {
	Do(method, path string, in, out any) (int, error)
}

// controller keeps the routing table and the Ingresses' status in step with
// the cluster by reading the API every interval. Requests never wait for
// it: they use the table of the last successful read.
type controller struct {
	opts   options
	client apiClient
	// nodeAddress finds the address of the node this pod runs on.
	nodeAddress func() (string, error)
	current     atomic.Pointer[table]

	// Used by the sync loop only.
	status     []loadBalancerIngress // what the served Ingresses' status should list
	statusText string                // the same, for the log
	served     map[string]bool       // namespace/name of the Ingresses served
	logged     map[string]string     // last message logged per subject
}

func newController(opts options, client apiClient) *controller {
	c := &controller{opts: opts, client: client, logged: map[string]string{}}
	c.nodeAddress = c.podHostIP
	return c
}

// routes is the current routing table; nil until the first read succeeded.
func (c *controller) routes() *table { return c.current.Load() }

// run reads the cluster every interval until ctx ends; ready is set after
// the first successful read.
func (c *controller) run(ctx context.Context, interval time.Duration, ready *atomic.Bool) {
	for {
		if err := c.sync(); err != nil {
			c.logChange("sync", fmt.Sprintf("reading the cluster: %v (the routes of the last read stay)", err))
		} else {
			c.logChange("sync", "")
			ready.Store(true)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// logChange logs message about subject unless it is what was logged last
// for that subject; an empty message only resets it.
func (c *controller) logChange(subject, message string) {
	if c.logged[subject] == message {
		return
	}
	c.logged[subject] = message
	if message != "" {
		log.Print(message)
	}
}

// servedIngress is an Ingress the controller serves, with its JSON as listed
// (the status update sends every field back).
type servedIngress struct {
	obj *ingress
	raw json.RawMessage
}

// sync reads IngressClasses, Ingresses, Services and EndpointSlices,
// replaces the routing table and publishes the status of the served
// Ingresses.
func (c *controller) sync() error {
	var classes struct {
		Items []ingressClass `json:"items"`
	}
	if _, err := c.client.Do(http.MethodGet, "/apis/networking.k8s.io/v1/ingressclasses", nil, &classes); err != nil {
		return err
	}
	ours := map[string]bool{}
	for _, class := range classes.Items {
		if class.Spec.Controller == c.opts.controllerClass {
			ours[class.Metadata.Name] = true
		}
	}
	var ingresses struct {
		Items []json.RawMessage `json:"items"`
	}
	if _, err := c.client.Do(http.MethodGet, "/apis/networking.k8s.io/v1/ingresses", nil, &ingresses); err != nil {
		return err
	}
	var services struct {
		Items []*service `json:"items"`
	}
	if _, err := c.client.Do(http.MethodGet, "/api/v1/services", nil, &services); err != nil {
		return err
	}
	var endpointSlices struct {
		Items []endpointSlice `json:"items"`
	}
	if _, err := c.client.Do(http.MethodGet, "/apis/discovery.k8s.io/v1/endpointslices", nil, &endpointSlices); err != nil {
		return err
	}
	ready := map[string]bool{}
	for _, slice := range endpointSlices.Items {
		for _, endpoint := range slice.Endpoints {
			if endpoint.Conditions.Ready == nil || *endpoint.Conditions.Ready {
				ready[slice.Metadata.Namespace+"/"+slice.Metadata.Labels[serviceNameLabel]] = true
			}
		}
	}
	byName := make(map[string]*service, len(services.Items))
	for _, svc := range services.Items {
		key := svc.Metadata.Namespace + "/" + svc.Metadata.Name
		svc.noReadyEndpoint = !ready[key]
		byName[key] = svc
	}

	var served []servedIngress
	for _, raw := range ingresses.Items {
		obj := &ingress{}
		if err := json.Unmarshal(raw, obj); err != nil {
			return fmt.Errorf("an Ingress in the list: %w", err)
		}
		if servedBy(obj, ours, c.opts) {
			served = append(served, servedIngress{obj: obj, raw: raw})
		}
	}
	// Oldest first: of two Ingresses with the same host and path, the
	// older one wins, as with ingress-nginx.
	slices.SortFunc(served, func(a, b servedIngress) int {
		return cmp.Or(
			cmp.Compare(a.obj.Metadata.CreationTimestamp, b.obj.Metadata.CreationTimestamp),
			cmp.Compare(a.obj.Metadata.Namespace, b.obj.Metadata.Namespace),
			cmp.Compare(a.obj.Metadata.Name, b.obj.Metadata.Name))
	})
	objs := make([]*ingress, len(served))
	now := map[string]bool{}
	for i, s := range served {
		objs[i] = s.obj
		now[s.obj.Metadata.Namespace+"/"+s.obj.Metadata.Name] = true
	}
	c.current.Store(buildTable(objs, byName))
	if c.served == nil || !sameKeys(c.served, now) {
		names := make([]string, 0, len(now))
		for name := range now {
			names = append(names, name)
		}
		slices.Sort(names)
		log.Printf("serving %d Ingresses %s", len(names), strings.Join(names, " "))
		c.served = now
	}
	c.publishStatus(served)
	return nil
}

func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for key := range a {
		if !b[key] {
			return false
		}
	}
	return true
}

// loadBalancerFor is the status entry of each comma-separated address: an
// IP address as ip, anything else as hostname.
func loadBalancerFor(addresses string) []loadBalancerIngress {
	var out []loadBalancerIngress
	for _, addr := range strings.Split(addresses, ",") {
		addr = strings.TrimSpace(addr)
		switch {
		case addr == "":
		case net.ParseIP(addr) != nil:
			out = append(out, loadBalancerIngress{IP: addr})
		default:
			out = append(out, loadBalancerIngress{Hostname: addr})
		}
	}
	return out
}

// publishStatus sets status.loadBalancer.ingress of each served Ingress to
// the publish-status address, or the node's address, where it differs.
func (c *controller) publishStatus(served []servedIngress) {
	if c.status == nil {
		addresses := c.opts.publishStatusAddress
		if addresses == "" {
			addr, err := c.nodeAddress()
			if err != nil {
				c.logChange("node", fmt.Sprintf("no node address for the Ingress status yet: %v", err))
				return
			}
			addresses = addr
		}
		c.status, c.statusText = loadBalancerFor(addresses), addresses
	}
	for _, s := range served {
		name := s.obj.Metadata.Namespace + "/" + s.obj.Metadata.Name
		if slices.Equal(s.obj.Status.LoadBalancer.Ingress, c.status) {
			continue
		}
		if err := c.updateStatus(s, c.status); err != nil {
			c.logChange("status "+name, fmt.Sprintf("status of Ingress %s: %v", name, err))
			continue
		}
		c.logChange("status "+name, "")
		log.Printf("status of Ingress %s: address %s", name, c.statusText)
	}
}

// updateStatus writes the Ingress back, as listed, with its load balancer
// status replaced (the status subresource takes nothing else from it).
func (c *controller) updateStatus(s servedIngress, lb []loadBalancerIngress) error {
	var obj map[string]any
	decoder := json.NewDecoder(bytes.NewReader(s.raw))
	decoder.UseNumber()
	if err := decoder.Decode(&obj); err != nil {
		return err
	}
	obj["apiVersion"], obj["kind"] = "networking.k8s.io/v1", "Ingress"
	status, _ := obj["status"].(map[string]any)
	if status == nil {
		status = map[string]any{}
	}
	status["loadBalancer"] = map[string]any{"ingress": lb}
	obj["status"] = status
	path := "/apis/networking.k8s.io/v1/namespaces/" + s.obj.Metadata.Namespace +
		"/ingresses/" + s.obj.Metadata.Name + "/status"
	_, err := c.client.Do(http.MethodPut, path, obj, nil)
	return err
}

// podHostIP reads status.hostIP of this pod (POD_NAMESPACE, POD_NAME, which
// the addon's Deployment sets).
func (c *controller) podHostIP() (string, error) {
	namespace, name := os.Getenv("POD_NAMESPACE"), os.Getenv("POD_NAME")
	if namespace == "" || name == "" {
		return "", fmt.Errorf("POD_NAMESPACE or POD_NAME is unset")
	}
	var pod struct {
		Status struct {
			HostIP string `json:"hostIP"`
		} `json:"status"`
	}
	if _, err := c.client.Do(http.MethodGet, "/api/v1/namespaces/"+namespace+"/pods/"+name, nil, &pod); err != nil {
		return "", err
	}
	if pod.Status.HostIP == "" {
		return "", fmt.Errorf("pod %s/%s has no host IP yet", namespace, name)
	}
	return pod.Status.HostIP, nil
}
