# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ways into an internal service from outside: Ingresses, HTTPRoutes, ReferenceGrants, Services, NetworkPolicies.

Pure functions over the objects as the API server returns them (dicts in the
API's own camelCase). exposure_problems returns one sentence per problem,
each saying what to change; an empty list means the service is reachable
only from the pods of the allowed callers, each in its own namespace.
check_exposure reads those objects through a given read callable and says
what it found.

A NetworkPolicy peer admits a caller when it selects the caller's pods by
name and, for a caller of another namespace, that namespace by the name
label the API server gives every namespace (kubernetes.io/metadata.name),
and nothing else. An Ingress or an HTTPRoute routes only to Services of its
own namespace, unless a ReferenceGrant there lets routes of other
namespaces in: such a grant to the service is a way in too.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.kube_read import pod_template

_PUBLISHED_TYPES = ("NodePort", "LoadBalancer")
# The label every namespace carries, its name (set by the API server).
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def _spec(obj):
    return obj.get("spec") or {}


def _name(obj):
    return (obj.get("metadata") or {}).get("name", "?")


def selector_matches(selector, labels):
    """Whether a LabelSelector (matchLabels and matchExpressions) selects an object with labels.

    An empty selector selects everything, as in a NetworkPolicy's podSelector.
    An operator this code does not know selects nothing.
    """
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key = expression.get("key")
        operator = expression.get("operator")
        values = expression.get("values") or []
        if operator == "In":
            ok = key in labels and labels[key] in values
        elif operator == "NotIn":
            ok = key not in labels or labels[key] not in values
        elif operator == "Exists":
            ok = key in labels
        elif operator == "DoesNotExist":
            ok = key not in labels
        else:
            ok = False
        if not ok:
            return False
    return True


def service_selects(service, labels):
    """Whether a Service's selector (a plain map; empty selects nothing) picks pods with labels."""
    selector = _spec(service).get("selector") or {}
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def ingress_problems(ingresses, service):
    problems = []
    for ingress in ingresses:
        spec = _spec(ingress)
        default = ((spec.get("defaultBackend") or {}).get("service") or {}).get("name")
        if default == service:
            problems.append(
                f"Ingress {_name(ingress)} sends its default backend to Service {service}: "
                "remove it or point it elsewhere."
            )
        for rule in spec.get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                if ((path.get("backend") or {}).get("service") or {}).get("name") == service:
                    problems.append(
                        f"Ingress {_name(ingress)} routes {rule.get('host', '*')}{path.get('path', '/')} "
                        f"to Service {service}: remove that rule."
                    )
    return problems


def route_problems(routes, service):
    """Every HTTPRoute rule that sends requests to the service (a backendRef of kind Service, the default)."""
    problems = []
    for route in routes:
        for rule in _spec(route).get("rules") or []:
            for ref in rule.get("backendRefs") or []:
                if ref.get("name") == service and ref.get("kind", "Service") == "Service" and not ref.get("group"):
                    hosts = ", ".join(_spec(route).get("hostnames") or ["*"])
                    problems.append(f"HTTPRoute {_name(route)} routes {hosts} to Service {service}: remove that rule.")
    return problems


def grant_problems(grants, service):
    """Every ReferenceGrant that lets objects of other namespaces (routes) refer to the service."""
    problems = []
    for grant in grants:
        spec = _spec(grant)
        to_service = any(
            not ref.get("group") and ref.get("kind") == "Service" and ref.get("name", service) == service
            for ref in spec.get("to") or []
        )
        if to_service:
            sources = ", ".join(
                f"{ref.get('kind', '?')} of namespace {ref.get('namespace', '?')}" for ref in spec.get("from") or []
            )
            problems.append(
                f"ReferenceGrant {_name(grant)} lets {sources or 'other namespaces'} refer to Service {service}:"
                " remove it, or narrow its to: to other Services."
            )
    return problems


def service_problems(services, service, labels):
    problems = []
    if not any(_name(svc) == service for svc in services):
        problems.append(f"Service {service} is missing: its callers cannot reach it. Run the deploy stage.")
    for svc in services:
        if not service_selects(svc, labels):
            continue
        kind = _spec(svc).get("type") or "ClusterIP"
        if kind != "ClusterIP":
            problems.append(
                f"Service {_name(svc)} selects {service}'s pods and is of type {kind}, "
                "reachable from outside the cluster: make it ClusterIP."
            )
        external = _spec(svc).get("externalIPs") or []
        if external:
            problems.append(
                f"Service {_name(svc)} selects {service}'s pods and has externalIPs {', '.join(external)}: remove them."
            )
    return problems


def _selects_namespace(selector, namespace):
    """Whether a namespaceSelector selects NAMESPACE by its name label, and no other namespace."""
    selector = selector or {}
    return not selector.get("matchExpressions") and (selector.get("matchLabels") or {}) == {
        NAMESPACE_NAME_LABEL: namespace
    }


def _peer_is_caller(peer, callers, namespace):
    """Whether a NetworkPolicy peer admits the pods of one allowed caller and nothing else.

    callers: {name: (its namespace, its pod labels)}; namespace: the
    policy's, the one a peer without namespaceSelector selects pods in.
    """
    if set(peer) not in ({"podSelector"}, {"podSelector", "namespaceSelector"}):
        # ipBlock, or a namespaceSelector alone: other pods or addresses.
        return False
    selector = peer["podSelector"] or {}
    if selector.get("matchExpressions"):
        return False
    wanted = selector.get("matchLabels") or {}
    for name, (caller_namespace, labels) in callers.items():
        if "namespaceSelector" in peer:
            if not _selects_namespace(peer["namespaceSelector"], caller_namespace):
                continue
        elif caller_namespace != namespace:
            continue
        if wanted.get("app.kubernetes.io/name") == name and all(labels.get(k) == v for k, v in wanted.items()):
            return True
    return False


def _port_matches(rule_port, port, port_names):
    value = rule_port.get("port")
    if value is None:
        return True
    if isinstance(value, int) or str(value).isdigit():
        number = int(value)
        end = rule_port.get("endPort") or number
        return number <= port <= end
    return value in port_names


def policy_problems(policies, namespace, service, labels, port, port_names, callers):
    """NetworkPolicies add up: every ingress rule of every policy that selects the service's
    pods must admit only the callers' pods, and one of them must admit them on the port.

    callers: {name: (namespace, pod labels)}."""
    problems = []
    admitted = False
    caller_names = ", ".join(sorted(callers)) or "(none)"
    for policy in policies:
        spec = _spec(policy)
        if not selector_matches(spec.get("podSelector"), labels):
            continue
        if "Ingress" not in (spec.get("policyTypes") or ["Ingress"]):
            continue
        for rule in spec.get("ingress") or []:
            peers = rule.get("from") or []
            if not peers or not all(_peer_is_caller(peer, callers, namespace) for peer in peers):
                problems.append(
                    f"NetworkPolicy {_name(policy)} admits sources other than {caller_names}'s pods to {service}: "
                    f"admit only a podSelector on app.kubernetes.io/name of {caller_names}, with a namespaceSelector "
                    f"on {NAMESPACE_NAME_LABEL} of the caller's namespace, and no ipBlock."
                )
                continue
            if any(_port_matches(p, port, port_names) for p in rule.get("ports") or [{}]):
                admitted = True
    if not admitted:
        problems.append(
            f"No NetworkPolicy in namespace {namespace} admits {caller_names}'s pods (and only them) to {service} "
            f"on port {port}: apply the deploy stage's {service}-ingress policy."
        )
    return problems


def exposure_problems(
    ingresses, services, policies, namespace, service, labels, port, port_names, callers, routes=(), grants=()
):
    """Every way into the service other than its callers' pods, one sentence each.

    labels: the service's pod labels; port and port_names: its container
    port's number and names; callers: {name: (namespace, pod labels)} of the
    Deployments that may call it; routes and grants: the namespace's
    HTTPRoutes and ReferenceGrants.
    """
    return (
        ingress_problems(ingresses, service)
        + route_problems(routes, service)
        + grant_problems(grants, service)
        + service_problems(services, service, labels)
        + policy_problems(policies, namespace, service, labels, port, port_names, callers)
    )


def check_exposure(read, namespace, service, port, callers):
    """(problems, message) for the service after reading what it needs.

    read is a callable like kube_read.read without its client:
    read(kind, namespace, name). callers: {name: namespace} of the
    Deployments whose pods may call the service (a list of names: in the
    service's namespace). LookupError when a Deployment is missing.
    """
    if not isinstance(callers, dict):
        callers = dict.fromkeys(callers, namespace)
    labels, port_names = pod_template(read, namespace, service, port)
    caller_labels = {name: (ns, pod_template(read, ns, name, None)[0]) for name, ns in callers.items()}
    problems = exposure_problems(
        read("Ingress", namespace),
        read("Service", namespace),
        read("NetworkPolicy", namespace),
        namespace,
        service,
        labels,
        port,
        port_names,
        caller_labels,
        read("HTTPRoute", namespace),
        read("ReferenceGrant", namespace),
    )
    if problems:
        return problems, f"{service} can be reached from outside: {' '.join(problems)}"
    admitted = ", ".join(f"{name}'s pods (namespace {ns})" for name, ns in callers.items())
    return [], (
        f"{service} is internal: no Ingress or HTTPRoute routes to it, no ReferenceGrant lets another namespace"
        f" refer to it, Service {service} is ClusterIP, and a NetworkPolicy admits only {admitted} on port {port}"
    )
