# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read Kubernetes objects as plain dicts, in the API's own field names.

The Python client's typed models are skipped: the answer is parsed as JSON
once, so the code that checks objects reads them as they are documented
(spec.podSelector.matchLabels, not spec.pod_selector.match_labels).
"""

from __future__ import annotations

import json
from urllib.parse import quote

try:
    from kubernetes.client.rest import ApiException as _ApiException
except ImportError:  # the modules report the missing library first
    _ApiException = Exception

# (API group path, plural) of the kinds the checks read.
KINDS = {
    "Deployment": ("/apis/apps/v1", "deployments"),
    "Pod": ("/api/v1", "pods"),
    "Service": ("/api/v1", "services"),
    "Ingress": ("/apis/networking.k8s.io/v1", "ingresses"),
    "NetworkPolicy": ("/apis/networking.k8s.io/v1", "networkpolicies"),
    "Node": ("/api/v1", "nodes"),
}


class KubeReadError(Exception):
    """The API server refused a read or could not be reached."""


def object_path(kind, namespace=None, name=None):
    group, plural = KINDS[kind]
    path = group
    if namespace:
        path += f"/namespaces/{quote(namespace, safe='')}"
    path += f"/{plural}"
    if name:
        path += f"/{quote(name, safe='')}"
    return path


def selector_text(match_labels):
    """A labelSelector query value for a matchLabels map."""
    return ",".join(f"{key}={value}" for key, value in sorted(match_labels.items()))


def read(api_client, kind, namespace=None, name=None, label_selector=None, timeout=30):
    """One object (None when it does not exist) or the list of objects of a kind."""
    query = [("labelSelector", label_selector)] if label_selector else []
    path = object_path(kind, namespace, name)
    try:
        answer = api_client.call_api(
            path,
            "GET",
            query_params=query,
            header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
            _preload_content=False,
            _return_http_data_only=True,
            _request_timeout=timeout,
        )
    except _ApiException as exc:
        if name and getattr(exc, "status", None) == 404:
            return None
        raise KubeReadError(f"reading {path} failed: {getattr(exc, 'status', '')} {getattr(exc, 'reason', exc)}") from None
    except Exception as exc:  # urllib3 and socket errors: the API server is not reachable
        raise KubeReadError(f"reading {path} failed: {exc}") from None
    document = json.loads(answer.data)
    return document if name else document.get("items") or []


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
