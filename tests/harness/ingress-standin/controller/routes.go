package main

import (
	"cmp"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
)

// The fields of the Kubernetes objects the controller reads.

type objectMeta struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// RFC 3339 in UTC, so ordered as text.
	CreationTimestamp string            `json:"creationTimestamp"`
	ResourceVersion   string            `json:"resourceVersion"`
	Annotations       map[string]string `json:"annotations,omitempty"`
}

type ingressClass struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		Controller string `json:"controller"`
	} `json:"spec"`
}

type ingress struct {
	Metadata objectMeta  `json:"metadata"`
	Spec     ingressSpec `json:"spec"`
	Status   struct {
		LoadBalancer struct {
			Ingress []loadBalancerIngress `json:"ingress,omitempty"`
		} `json:"loadBalancer"`
	} `json:"status"`
}

type ingressSpec struct {
	IngressClassName *string         `json:"ingressClassName,omitempty"`
	DefaultBackend   *ingressBackend `json:"defaultBackend,omitempty"`
	Rules            []ingressRule   `json:"rules,omitempty"`
}

type ingressRule struct {
	Host string `json:"host,omitempty"`
	HTTP *struct {
		Paths []ingressPath `json:"paths"`
	} `json:"http,omitempty"`
}

type ingressPath struct {
	Path     string         `json:"path,omitempty"`
	PathType string         `json:"pathType"`
	Backend  ingressBackend `json:"backend"`
}

type ingressBackend struct {
	Service *struct {
		Name string `json:"name"`
		Port struct {
			Name   string `json:"name,omitempty"`
			Number int32  `json:"number,omitempty"`
		} `json:"port"`
	} `json:"service,omitempty"`
	Resource *struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"resource,omitempty"`
}

type loadBalancerIngress struct {
	IP       string `json:"ip,omitempty"`
	Hostname string `json:"hostname,omitempty"`
}

type service struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		Type         string        `json:"type"`
		ClusterIP    string        `json:"clusterIP"`
		ExternalName string        `json:"externalName"`
		Ports        []servicePort `json:"ports"`
	} `json:"spec"`
	// noReadyEndpoint is set when no EndpointSlice of the Service lists a
	// ready endpoint (sync reads them): like ingress-nginx, the proxy then
	// answers 503 rather than connecting to a cluster IP with no pod behind.
	noReadyEndpoint bool
}

type servicePort struct {
	Name string `json:"name"`
	Port int32  `json:"port"`
}

// ingressClassAnnotation is the class annotation of Ingresses from before
// spec.ingressClassName; ingress-nginx compares it with --ingress-class.
const ingressClassAnnotation = "kubernetes.io/ingress.class"

// servedBy tells whether the controller is responsible for ing: its class is
// one of classes (the IngressClasses whose controller is --controller-class),
// or its class annotation is --ingress-class, or it has neither and the
// controller takes those (--watch-ingress-without-class).
func servedBy(ing *ingress, classes map[string]bool, opts options) bool {
	if name := ing.Spec.IngressClassName; name != nil && *name != "" {
		return classes[*name]
	}
	if class, ok := ing.Metadata.Annotations[ingressClassAnnotation]; ok {
		return class == opts.ingressClass
	}
	return opts.watchWithoutClass
}

// target is where a route sends requests: addr (host:port), or, when the
// backend cannot be reached, unavailable says why.
type target struct {
	addr        string
	unavailable string
	// source names the backend Service (namespace/name), for the log.
	source string
}

// resolve turns an Ingress backend into a target with the Services of the
// cluster (by namespace/name).
func resolve(namespace string, backend *ingressBackend, services map[string]*service) target {
	if backend.Service == nil {
		return target{unavailable: "the backend is not a Service"}
	}
	ref := backend.Service
	source := namespace + "/" + ref.Name
	svc, ok := services[source]
	if !ok {
		return target{unavailable: "no Service " + source, source: source}
	}
	host := svc.Spec.ClusterIP
	if svc.Spec.Type == "ExternalName" {
		host = svc.Spec.ExternalName
	}
	if host == "" || host == "None" {
		return target{unavailable: "Service " + source + " has no cluster IP", source: source}
	}
	if svc.noReadyEndpoint && svc.Spec.Type != "ExternalName" {
		return target{unavailable: "Service " + source + " has no ready endpoint", source: source}
	}
	// A port by name must be one of the Service's; a number too, except
	// for an ExternalName Service, which may list no ports.
	port, wanted := ref.Port.Number, strconv.Itoa(int(ref.Port.Number))
	if ref.Port.Name != "" {
		port, wanted = 0, "named "+ref.Port.Name
	}
	found := svc.Spec.Type == "ExternalName" && port != 0
	for _, p := range svc.Spec.Ports {
		if (ref.Port.Name != "" && p.Name == ref.Port.Name) || (ref.Port.Name == "" && p.Port == port) {
			port, found = p.Port, true
			break
		}
	}
	if !found || port == 0 {
		return target{unavailable: "Service " + source + " has no port " + wanted, source: source}
	}
	return target{addr: net.JoinHostPort(host, strconv.Itoa(int(port))), source: source}
}

// route is one path of an Ingress rule.
type route struct {
	// path as the Ingress wrote it (Exact), or without its trailing slashes
	// (Prefix; empty for "/").
	path   string
	exact  bool
	target target
}

func (r *route) matches(p string) bool {
	if r.exact {
		return p == r.path
	}
	return r.path == "" || p == r.path || strings.HasPrefix(p, r.path+"/")
}

// server is what one host (or every host, or a wildcard) routes.
type server struct {
	// routes, most specific first: longest path, Exact before Prefix at the
	// same length, then in the order of the Ingresses (oldest first).
	routes []route
	// fallback is the default backend of the oldest Ingress with a rule for
	// this host that has one; nil when none has.
	fallback *target
}

// table is the routing table built from the Ingresses the controller serves.
type table struct {
	hosts     map[string]*server // exact host names, lower case
	wildcards map[string]*server // "*.example.test" under "example.test"
	anyHost   *server            // rules without a host
	// fallback answers requests for which no server exists, or whose
	// server has no route and no fallback of its own: the default backend
	// of the oldest Ingress without rules that has one.
	fallback *target
}

// buildTable builds the routing table from the served Ingresses, oldest
// first, and the cluster's Services (by namespace/name).
func buildTable(ingresses []*ingress, services map[string]*service) *table {
	t := &table{hosts: map[string]*server{}, wildcards: map[string]*server{}}
	serverFor := func(host string) *server {
		host = strings.ToLower(strings.TrimSuffix(host, "."))
		var group map[string]*server
		switch {
		case host == "":
			if t.anyHost == nil {
				t.anyHost = &server{}
			}
			return t.anyHost
		case strings.HasPrefix(host, "*."):
			group, host = t.wildcards, host[2:]
		default:
			group = t.hosts
		}
		if group[host] == nil {
			group[host] = &server{}
		}
		return group[host]
	}
	for _, ing := range ingresses {
		ns := ing.Metadata.Namespace
		var fallback *target
		if ing.Spec.DefaultBackend != nil {
			resolved := resolve(ns, ing.Spec.DefaultBackend, services)
			fallback = &resolved
			if len(ing.Spec.Rules) == 0 && t.fallback == nil {
				t.fallback = fallback
			}
		}
		for _, rule := range ing.Spec.Rules {
			srv := serverFor(rule.Host)
			if srv.fallback == nil {
				srv.fallback = fallback
			}
			if rule.HTTP == nil {
				continue
			}
			for _, p := range rule.HTTP.Paths {
				r := route{path: p.Path, exact: p.PathType == "Exact", target: resolve(ns, &p.Backend, services)}
				if !r.exact {
					// Prefix, and ImplementationSpecific taken as Prefix.
					r.path = strings.TrimRight(p.Path, "/")
				}
				srv.routes = append(srv.routes, r)
			}
		}
	}
	order := func(a, b route) int {
		if c := cmp.Compare(len(b.path), len(a.path)); c != 0 {
			return c
		}
		switch {
		case a.exact && !b.exact:
			return -1
		case b.exact && !a.exact:
			return 1
		}
		return 0
	}
	for _, group := range []map[string]*server{t.hosts, t.wildcards, {"": t.anyHost}} {
		for _, srv := range group {
			if srv != nil {
				slices.SortStableFunc(srv.routes, order)
			}
		}
	}
	return t
}

// requestHost is the host name of a Host header: lower case, without port
// and trailing dot.
func requestHost(hostHeader string) string {
	host := hostHeader
	if h, _, err := net.SplitHostPort(hostHeader); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// cleanPath is the request path the routes are matched against: "." and ".."
// elements and repeated slashes resolved, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// lookup finds where a request for host (a Host header) and path goes. Like
// nginx, it picks the server first (the exact host, else a wildcard of it,
// else the rules without host) and then the most specific route of that
// server; ok is false when nothing routes the request (an answer 404).
func (t *table) lookup(hostHeader, requestPath string) (target, bool) {
	host := requestHost(hostHeader)
	srv := t.hosts[host]
	if srv == nil {
		if _, parent, found := strings.Cut(host, "."); found {
			srv = t.wildcards[parent]
		}
	}
	if srv == nil {
		srv = t.anyHost
	}
	if srv != nil {
		p := cleanPath(requestPath)
		for i := range srv.routes {
			if srv.routes[i].matches(p) {
				return srv.routes[i].target, true
			}
		}
		if srv.fallback != nil {
			return *srv.fallback, true
		}
	}
	if t.fallback != nil {
		return *t.fallback, true
	}
	return target{}, false
}
