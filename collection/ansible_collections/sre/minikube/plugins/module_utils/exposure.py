# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ways into an internal service from outside: Ingresses, HTTPRoutes, Services, NetworkPolicies.

Pure functions over the objects as the API server returns them (dicts in the
API's own camelCase). exposure_problems returns one sentence per problem,
each saying what to change; an empty list means the service is reachable
only from the pods of the allowed callers. check_exposure reads those
objects through a given read callable and says what it found.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.kube_read import pod_template

_PUBLISHED_TYPES = ("NodePort", "LoadBalancer")


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


def _peer_is_caller(peer, callers):
    """Whether a NetworkPolicy peer admits the pods of one allowed caller and nothing else."""
    if set(peer) != {"podSelector"}:
        # ipBlock, namespaceSelector (alone or with podSelector): other pods or addresses.
        return False
    selector = peer["podSelector"] or {}
    if selector.get("matchExpressions"):
        return False
    wanted = selector.get("matchLabels") or {}
    for name, labels in callers.items():
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
    pods must admit only the callers' pods, and one of them must admit them on the port."""
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
            if not peers or not all(_peer_is_caller(peer, callers) for peer in peers):
                problems.append(
                    f"NetworkPolicy {_name(policy)} admits sources other than {caller_names}'s pods to {service}: "
                    f"admit only a podSelector on app.kubernetes.io/name of {caller_names}, "
                    "without namespaceSelector or ipBlock."
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


def exposure_problems(ingresses, services, policies, namespace, service, labels, port, port_names, callers, routes=()):
    """Every way into the service other than its callers' pods, one sentence each.

    labels: the service's pod labels; port and port_names: its container
    port's number and names; callers: {name: pod labels} of the Deployments
    that may call it; routes: the namespace's HTTPRoutes.
    """
    return (
        ingress_problems(ingresses, service)
        + route_problems(routes, service)
        + service_problems(services, service, labels)
        + policy_problems(policies, namespace, service, labels, port, port_names, callers)
    )


def check_exposure(read, namespace, service, port, callers):
    """(problems, message) for the service after reading what it needs.

    read is a callable like kube_read.read without its client:
    read(kind, namespace, name). callers: names of the Deployments whose pods
    may call the service. LookupError when a Deployment is missing.
    """
    labels, port_names = pod_template(read, namespace, service, port)
    caller_labels = {name: pod_template(read, namespace, name, None)[0] for name in callers}
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
    )
    if problems:
        return problems, f"{service} can be reached from outside: {' '.join(problems)}"
    return [], (
        f"{service} is internal: no Ingress or HTTPRoute routes to it, Service {service} is ClusterIP, "
        f"and a NetworkPolicy admits only {', '.join(callers)}'s pods on port {port}"
    )
