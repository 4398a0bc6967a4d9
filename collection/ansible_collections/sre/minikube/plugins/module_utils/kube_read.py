# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read Kubernetes objects as plain dicts, in the API's own field names.

The Python client's typed models are skipped: the answer is parsed as JSON
once, so the code that checks objects reads them as they are documented
(spec.podSelector.matchLabels, not spec.pod_selector.match_labels).
"""

from __future__ import annotations

import json

try:
    from kubernetes import client as _k8s_client
    from kubernetes.client.rest import ApiException as _ApiException
except ImportError:  # the modules report the missing library first
    _k8s_client = None

    class _ApiException(Exception):
        """Stands in for the client's exception class, which is then never raised."""


# kind: (API class, method that reads one, method that lists, whether namespaced, the list's path)
KINDS = {
    "Deployment": (
        "AppsV1Api",
        "read_namespaced_deployment",
        "list_namespaced_deployment",
        True,
        "/apis/apps/v1/namespaces/{namespace}/deployments",
    ),
    "Pod": ("CoreV1Api", "read_namespaced_pod", "list_namespaced_pod", True, "/api/v1/namespaces/{namespace}/pods"),
    "Service": (
        "CoreV1Api",
        "read_namespaced_service",
        "list_namespaced_service",
        True,
        "/api/v1/namespaces/{namespace}/services",
    ),
    "Ingress": (
        "NetworkingV1Api",
        "read_namespaced_ingress",
        "list_namespaced_ingress",
        True,
        "/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses",
    ),
    "NetworkPolicy": (
        "NetworkingV1Api",
        "read_namespaced_network_policy",
        "list_namespaced_network_policy",
        True,
        "/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies",
    ),
    "Node": ("CoreV1Api", "read_node", "list_node", False, "/api/v1/nodes"),
    # A kind of a CRD (the Gateway API): read by its path only, and a list of
    # a kind the cluster does not have is empty.
    "HTTPRoute": (
        "CustomObjectsApi",
        None,
        None,
        True,
        "/apis/gateway.networking.k8s.io/v1/namespaces/{namespace}/httproutes",
    ),
    "ReferenceGrant": (
        "CustomObjectsApi",
        None,
        None,
        True,
        "/apis/gateway.networking.k8s.io/v1beta1/namespaces/{namespace}/referencegrants",
    ),
    "CustomResourceDefinition": (
        "ApiextensionsV1Api",
        None,
        None,
        False,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    ),
    # The classes a cluster offers to a front door and to volume claims (cluster_check).
    "GatewayClass": (
        "CustomObjectsApi",
        None,
        None,
        False,
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses",
    ),
    "IngressClass": (
        "NetworkingV1Api",
        "read_ingress_class",
        "list_ingress_class",
        False,
        "/apis/networking.k8s.io/v1/ingressclasses",
    ),
    "StorageClass": (
        "StorageV1Api",
        "read_storage_class",
        "list_storage_class",
        False,
        "/apis/storage.k8s.io/v1/storageclasses",
    ),
}
# Kinds a cluster may lack (their CRDs are not installed): their list is empty then.
OPTIONAL_KINDS = ("HTTPRoute", "ReferenceGrant")


class KubeReadError(Exception):
    """The API server refused a read or could not be reached.

    status: the HTTP status of the refusal; None when no answer came (the API server is not reachable).
    """

    def __init__(self, msg, status=None):
        super().__init__(msg)
        self.status = status


def selector_text(match_labels):
    """A labelSelector query value for a matchLabels map."""
    return ",".join(f"{key}={value}" for key, value in sorted(match_labels.items()))


def _status_message(data):
    try:
        return json.loads(data).get("message") or ""
    except (ValueError, AttributeError):
        return ""


def _get(api_client, path, path_params, query, timeout):
    """A GET of path by the client's own request layer: (status, body bytes), no typed model involved.

    The client's typed API classes (AppsV1Api...) load a model class for every
    object they may return, which costs most of a read; the answer is parsed
    as JSON here anyway. A client without param_serialize (an older
    generator) uses the API classes.
    """
    method, url, headers, body, post_params = api_client.param_serialize(
        method="GET",
        resource_path=path,
        path_params=path_params,
        query_params=query,
        header_params={"Accept": "application/json"},
        auth_settings=["BearerToken"],
    )
    answer = api_client.call_api(method, url, header_params=headers, body=body, post_params=post_params,
                                 _request_timeout=timeout)  # fmt: skip
    return answer.status, answer.read()


def _answer(api_client, kind, namespace, name, label_selector, timeout):
    """(status, body, what was read) of one GET of an object or a list of KIND."""
    api_class, read_one, read_all, namespaced, path = KINDS[kind]
    if name:
        where = f"{kind} {namespace}/{name}" if namespaced else f"{kind} {name}"
    else:
        where = f"the {kind} list" + (f" of namespace {namespace}" if namespaced else "")
    selector = label_selector if label_selector and not name else None
    try:
        if hasattr(api_client, "param_serialize") or read_one is None:
            params = {"namespace": namespace} if namespaced else {}
            if name:
                path, params["name"] = path + "/{name}", name
            status, data = _get(api_client, path, params, [("labelSelector", selector)] if selector else [], timeout)
        else:
            args = ([name] if name else []) + ([namespace] if namespaced else [])
            kwargs = {"_preload_content": False, "_request_timeout": timeout}
            if selector:
                kwargs["label_selector"] = selector
            api = getattr(_k8s_client, api_class)(api_client)
            answer = getattr(api, read_one if name else read_all)(*args, **kwargs)
            status, data = answer.status, answer.data
    except _ApiException as exc:
        status, data = exc.status, exc.body
    except Exception as exc:  # urllib3 and socket errors: the API server is not reachable
        raise KubeReadError(f"reading {where} failed: {exc}") from None
    return status, data, where


def _document(status, data, where):
    """The answer's JSON document; KubeReadError (with the status) when it is not a success."""
    if not 200 <= (status or 0) < 300:
        raise KubeReadError(f"reading {where} failed: {status} {_status_message(data)}".strip(), status)
    return json.loads(data)


def read(api_client, kind, namespace=None, name=None, label_selector=None, timeout=30):
    """One object (None when it does not exist) or the list of objects of a kind, as dicts."""
    status, data, where = _answer(api_client, kind, namespace, name, label_selector, timeout)
    if name and status == 404:
        return None
    if status == 404 and kind in OPTIONAL_KINDS:
        return []
    document = _document(status, data, where)
    return document if name else document.get("items") or []


def read_served(api_client, kind, timeout=30):
    """The list of every object of a cluster-wide KIND, or None when the server does not serve its API.

    A list's 404 means that the API group and version of the kind are not served (the CRDs of the Gateway API
    are not installed, or not at that version).
    """
    status, data, where = _answer(api_client, kind, None, None, None, timeout)
    if status == 404:
        return None
    return _document(status, data, where).get("items") or []


def server_version(api_client, timeout=30):
    """The API server's /version answer as a dict (major, minor, gitVersion, ...)."""
    try:
        if hasattr(api_client, "param_serialize"):
            status, data = _get(api_client, "/version", {}, [], timeout)
        else:
            answer = _k8s_client.VersionApi(api_client).get_code(_preload_content=False, _request_timeout=timeout)
            status, data = answer.status, answer.data
    except _ApiException as exc:
        status, data = exc.status, exc.body
    except Exception as exc:  # urllib3 and socket errors: the API server is not reachable
        raise KubeReadError(f"reading the server's /version failed: {exc}") from None
    return _document(status, data, "the server's /version")


def pod_template(read, namespace, name, port):
    """(pod template labels, names of the container port) of a Deployment; LookupError when it is missing.

    read is a callable like kube_read.read without its client: read(kind, namespace, name).
    """
    deployment = read_deployment(read, namespace, name)
    template = (deployment.get("spec") or {}).get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    names = set()
    for container in (template.get("spec") or {}).get("containers") or []:
        for p in container.get("ports") or []:
            if port is not None and p.get("containerPort") == port and p.get("name"):
                names.add(p["name"])
    return labels, names


def read_deployment(read, namespace, name):
    deployment = read("Deployment", namespace, name)
    if deployment is None:
        raise LookupError(
            f"Deployment {namespace}/{name} not found. Run the deploy stage first "
            "(ansible-playbook site.yml --tags deploy), or name the namespace the services run in."
        )
    return deployment
