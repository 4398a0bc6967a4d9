# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a Kubernetes cluster the stack did not create offers what the stack needs, and what to change if not.

check() is the whole judgement, from the answers of the API server as
plain data: its /version, its GatewayClasses (None when the Gateway API is
not served), IngressClasses and StorageClasses. It returns the facts found
and every problem at once, each a sentence that says what is missing and
which setting or which piece of the cluster to change. survey() asks the
cluster through the readers it is given (kube_client and kube_read in the
module and its action plugin, stand-ins in the tests), so nothing here
opens a connection itself.
"""

from __future__ import annotations

import re

from ansible_collections.sre.minikube.plugins.module_utils.kube_client import (
    CONNECTION_ARGUMENT_SPEC,
    KubeClientError,
    connection_checks,
    kubeconfig_text,
)
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import KubeReadError

# The module's options (sre.minikube.cluster_check); its action plugin checks them the same way when it reads
# the cluster from the controller.
ARGUMENT_SPEC = {
    **CONNECTION_ARGUMENT_SPEC,
    "front_door": {"type": "str", "required": True, "choices": ["gateway", "ingress"]},
    "class_name": {"type": "str", "required": True},
    "min_version": {"type": "str", "required": True},
    "storage_class": {"type": "str", "default": ""},
    "checks": {
        "type": "list",
        "elements": "str",
        "default": ["version", "front_door", "storage"],
        "choices": ["version", "front_door", "storage"],
    },
}

# The stack's settings a problem tells the user to change.
CLASS_SETTING = {"gateway": "sre_minikube_gateway_class", "ingress": "sre_minikube_ingress_class"}
FRONT_DOOR_SETTING = "sre_minikube_front_door"
STORAGE_CLASS_SETTING = "app_deploy_postgres_storage_class"
CONTEXT_SETTINGS = "sre_minikube_context (and sre_minikube_kubeconfig)"

GATEWAY_API = "gateway.networking.k8s.io/v1"
# The annotations that make a StorageClass the default, as the API server's DefaultStorageClass admission reads
# them (the beta one still counts).
DEFAULT_STORAGE_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)

# What the module can judge; by default, all of it.
CHECKS = ("version", "front_door", "storage")
# What survey() reads for each front door, besides /version and the StorageClasses.
CLASS_KIND = {"gateway": "GatewayClass", "ingress": "IngressClass"}
# A list that could not be read (the API server refused it): its checks are left out, its refusal is the problem.
UNREAD = object()

# gitVersion: v1.35.4, v1.31.2-eks-abc, v1.30.1+k3s1 (the leading v optional).
_GIT_VERSION = re.compile(r"v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")
# major and minor: "1", "31", or with a provider's suffix "31+".
_LEADING_NUMBER = re.compile(r"([0-9]+)")
_MIN_VERSION = re.compile(r"v?([0-9]+)\.([0-9]+)")


def input_checks(params):
    """The checks of the options' values (module_utils inputs), made before the cluster is asked anything."""
    return connection_checks(params) + [
        {"name": "class_name", "value": params["class_name"], "rule": "dns_name"},
        {"name": "min_version", "value": params["min_version"], "rule": "kubernetes_minor"},
        {"name": "storage_class", "value": params["storage_class"], "rule": "dns_name", "optional": True},
    ]


def parse_version(info):
    """(major, minor, patch or None) of a /version answer, or None when it names no version.

    major and minor are the answer's own fields (a provider may add a suffix: "31+"); the patch comes from
    gitVersion when it names the same minor release. Without usable major and minor fields, gitVersion alone
    (v1.31.2-eks-abc, v1.30.1+k3s1) gives all three.
    """
    info = info if isinstance(info, dict) else {}
    found = _GIT_VERSION.match(str(info.get("gitVersion") or "").strip())
    git = (int(found[1]), int(found[2]), int(found[3]) if found[3] else None) if found else None
    major, minor = (_LEADING_NUMBER.match(str(info.get(key) or "").strip()) for key in ("major", "minor"))
    if major and minor:
        pair = (int(major[1]), int(minor[1]))
        return pair + (git[2] if git and git[:2] == pair else None,)
    return git


def version_text(info, parsed):
    """How a message shows the server's version: its gitVersion as given, else vMAJOR.MINOR; None without one."""
    git = str((info or {}).get("gitVersion") or "").strip() if isinstance(info, dict) else ""
    if git:
        return git
    return f"v{parsed[0]}.{parsed[1]}" if parsed else None


def parse_min_version(text):
    """(major, minor) of a MAJOR.MINOR setting such as 1.30 or v1.30, or None."""
    found = _MIN_VERSION.fullmatch(str(text or "").strip())
    return (int(found[1]), int(found[2])) if found else None


def _name(obj):
    return ((obj or {}).get("metadata") or {}).get("name") or ""


def _names(objects):
    return sorted(name for name in (_name(obj) for obj in objects or []) if name)


def _by_name(objects, name):
    return next((obj for obj in objects or [] if _name(obj) == name), None)


def _listing(names):
    return ", ".join(names)


def _version_problems(info, min_version):
    parsed = parse_version(info)
    shown = version_text(info, parsed)
    wanted = parse_min_version(min_version)
    if wanted is None:
        return shown, [f"min_version {min_version!r} is not a Kubernetes minor release such as 1.30."]
    oldest = f"v{wanted[0]}.{wanted[1]}"
    if parsed is None:
        fields = info if isinstance(info, dict) else {}
        given = ", ".join(f"{key} {fields.get(key)!r}" for key in ("gitVersion", "major", "minor"))
        return shown, [
            f"The API server's /version names no Kubernetes version ({given}), so it cannot be told to be at least"
            f" {oldest}: check that the context names a Kubernetes API server."
        ]
    if parsed[:2] < wanted:
        return shown, [
            f"Kubernetes {shown} is older than the oldest the stack supports, {oldest}: upgrade the cluster to"
            f" {oldest} or newer, or set {CONTEXT_SETTINGS} to a newer cluster's."
        ]
    return shown, []


def _condition(obj, kind):
    for condition in ((obj or {}).get("status") or {}).get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == kind:
            return condition
    return None


def _accepted(obj):
    return (_condition(obj, "Accepted") or {}).get("status") == "True"


def _gateway_problems(classes, name):
    setting = CLASS_SETTING["gateway"]
    if classes is None:
        return None, [
            f"The Gateway API is not served by this cluster (no {GATEWAY_API}): install its CRDs and a controller,"
            f" or set {FRONT_DOOR_SETTING}: ingress."
        ]
    found = _by_name(classes, name)
    if found is None:
        names = _names(classes)
        if names:
            return None, [
                f"No GatewayClass named '{name}': the cluster has GatewayClasses {_listing(names)}. Set {setting} to"
                " one of them, or install a Gateway API controller."
            ]
        return None, [
            f"No GatewayClass named '{name}': the cluster has none. Install a Gateway API controller and set"
            f" {setting} to its GatewayClass, or set {FRONT_DOOR_SETTING}: ingress."
        ]
    controller = (found.get("spec") or {}).get("controllerName") or ""
    fact = {"name": name, "controller": controller, "accepted": _accepted(found)}
    if fact["accepted"]:
        return fact, []
    condition = _condition(found, "Accepted")
    if condition is None:
        why = "its status has no Accepted condition"
    else:
        why = f"status {condition.get('status') or 'unset'}, reason: {condition.get('reason') or 'none given'}"
        if condition.get("message"):
            why += f", {condition['message']}"
    others = [_name(obj) for obj in classes if _name(obj) != name and _accepted(obj)]
    instead = f" (Accepted here: {_listing(sorted(others))})" if others else ""
    return fact, [
        f"GatewayClass '{name}' is not Accepted ({why}): check that its controller ({controller or 'none named'})"
        f" runs in the cluster, or set {setting} to an Accepted GatewayClass{instead}."
    ]


def _ingress_problems(classes, name):
    setting = CLASS_SETTING["ingress"]
    found = _by_name(classes, name)
    if found is not None:
        return {"name": name, "controller": (found.get("spec") or {}).get("controller") or ""}, []
    names = _names(classes)
    if names:
        return None, [
            f"No IngressClass named '{name}': the cluster has IngressClasses {_listing(names)}. Set {setting} to one"
            " of them, or install an ingress controller."
        ]
    return None, [
        f"No IngressClass named '{name}': the cluster has none. Install an ingress controller and set {setting} to"
        f" its IngressClass, or set {FRONT_DOOR_SETTING}: gateway."
    ]


def default_storage_class(classes):
    """The StorageClass a claim without storageClassName gets: the newest marked default (then by name); or None."""
    marked = [
        obj
        for obj in classes or []
        if any(((obj.get("metadata") or {}).get("annotations") or {}).get(key) == "true"
               for key in DEFAULT_STORAGE_ANNOTATIONS)
    ]  # fmt: skip
    if not marked:
        return None
    # creationTimestamp is RFC 3339 in UTC (2026-01-31T12:00:00Z): its text sorts as its time.
    newest = max((obj.get("metadata") or {}).get("creationTimestamp") or "" for obj in marked)
    return min(_name(obj) for obj in marked if ((obj.get("metadata") or {}).get("creationTimestamp") or "") == newest)


def _storage_problem(names, wanted, default):
    """The sentence of a missing StorageClass for the database's claim, or None."""
    mark = DEFAULT_STORAGE_ANNOTATIONS[0]
    if wanted:
        if wanted in names:
            return None
        if not names:
            return (
                f"No StorageClass named '{wanted}': the cluster has none. Install a volume provisioner and set"
                f" {STORAGE_CLASS_SETTING} to its StorageClass."
            )
        instead = f", or leave it empty for the cluster's default, {default}" if default else ""
        return (
            f"No StorageClass named '{wanted}': the cluster has StorageClasses {_listing(names)}. Set"
            f" {STORAGE_CLASS_SETTING} to one of them{instead}."
        )
    if default:
        return None
    start = (
        f'No default StorageClass (annotation {mark}: "true"): the database\'s PersistentVolumeClaim would stay'
        " Pending."
    )
    if not names:
        return (
            f"{start} The cluster has no StorageClass: install a volume provisioner and mark its StorageClass as"
            " default."
        )
    return (
        f"{start} Mark one as default (kubectl annotate storageclass <name> {mark}=true; the cluster has"
        f" {_listing(names)}), or set {STORAGE_CLASS_SETTING} to one of them."
    )


def check(version, gateway_classes, ingress_classes, storage_classes, front_door, class_name, min_version,
          storage_class="", checks=CHECKS):  # fmt: skip
    """(facts, problems) of a cluster for the stack.

    version: the /version answer (major, minor, gitVersion). gateway_classes: the GatewayClass objects, None when
    the Gateway API (gateway.networking.k8s.io/v1) is not served. ingress_classes, storage_classes: the
    IngressClass and StorageClass objects. Only the classes of FRONT_DOOR (gateway or ingress) are judged; a list
    given as UNREAD is left out (its refusal is a problem of its own). CLASS_NAME: the GatewayClass or
    IngressClass wanted; MIN_VERSION: the oldest MAJOR.MINOR supported; STORAGE_CLASS: the StorageClass of the
    database's claim, empty for the cluster's default. CHECKS: which of version, front_door and storage to judge
    (the others are neither read nor reported).

    facts: server_version, gateway_class or ingress_class (name, controller; a GatewayClass's accepted), each
    None when missing; default_storage_class, and storage_class, the one the database's claim would get.
    problems: one sentence per thing missing, every one of them.
    """
    facts, problems = {}, []
    if "version" not in checks:
        pass
    elif version is UNREAD:
        facts["server_version"] = None
    else:
        facts["server_version"], found = _version_problems(version, min_version)
        problems += found
    key = f"{front_door}_class"
    classes = gateway_classes if front_door == "gateway" else ingress_classes
    if "front_door" not in checks:
        pass
    elif classes is UNREAD:
        facts[key] = None
    else:
        judge = _gateway_problems if front_door == "gateway" else _ingress_problems
        facts[key], found = judge(classes, class_name)
        problems += found
    if "storage" not in checks:
        pass
    elif storage_classes is UNREAD:
        facts["default_storage_class"] = facts["storage_class"] = None
    else:
        default = default_storage_class(storage_classes)
        problem = _storage_problem(_names(storage_classes), storage_class, default)
        facts["default_storage_class"] = default
        facts["storage_class"] = None if problem else storage_class or default
        problems += [problem] if problem else []
    return facts, problems


def _flags(kubeconfig, context):
    return (f" --kubeconfig {kubeconfig}" if kubeconfig else "") + (f" --context {context}" if context else "")


def connection_failure(error, kubeconfig, context):
    """The message of a cluster that cannot be asked: the context, the kubeconfig, what went wrong, what to check."""
    where = kubeconfig_text(kubeconfig)
    name = f"context {context}" if context else "the current context"
    said = str(error).rstrip(".")
    probe = f"kubectl{_flags(kubeconfig, context)} get --raw /version"
    if getattr(error, "unreachable", False) or (isinstance(error, KubeReadError) and error.status is None):
        said = str(getattr(error, "reason", None) or said).rstrip(".")
        return (
            f"The API server of {name} in {where} does not answer ({said}). Check that the cluster is running and that"
            f" this machine reaches its address (VPN, proxy, firewall): `{probe}` must answer."
        )
    if isinstance(error, KubeReadError):  # 401: the credentials were refused
        return (
            f"The API server of {name} in {where} refused its credentials ({said}). Log in to the cluster again so"
            f" that the kubeconfig holds valid credentials: `{probe}` must answer."
        )
    listing = f"kubectl{_flags(kubeconfig, None)} config get-contexts"
    return (
        f"{said[:1].upper()}{said[1:]}. Check that {where} exists and holds {name} (`{listing}`) with current"
        f" credentials (`{probe}` must answer), or set {CONTEXT_SETTINGS} to the cluster's."
    )


# What a refused read could not see, and the permission that lets it: for each read of survey().
READS = {
    "Version": ("the server's version", "get on the non-resource URL /version"),
    "GatewayClass": ("the GatewayClasses", "get and list on gatewayclasses (gateway.networking.k8s.io)"),
    "IngressClass": ("the IngressClasses", "get and list on ingressclasses (networking.k8s.io)"),
    "StorageClass": ("the StorageClasses", "get and list on storageclasses (storage.k8s.io)"),
}


def _refusal(kind, error, context):
    what, permission = READS[kind]
    who = f"context {context}" if context else "the current context"
    return (
        f"{what[:1].upper()}{what[1:]} could not be read with {who} ({str(error).rstrip('.')}): the cluster's"
        f" administrators can grant its user {permission}, cluster-wide."
    )


def _ask(call, kind, context, refused):
    """CALL's answer, or UNREAD with the refusal noted; KubeReadError when the server does not answer or the
    credentials are refused (nothing else can be read then)."""
    try:
        return call()
    except KubeReadError as error:
        if error.status in (None, 401):
            raise
        refused.append(_refusal(kind, error, context))
        return UNREAD


def survey(params, connect, server_version, read_served):
    """The module's result for the checked options PARAMS.

    connect(kubeconfig, context) makes the API client (kube_client.api_client); server_version(client) and
    read_served(client, kind) read /version and the list of a cluster-wide kind, None when its API is not served
    (kube_read). A failed result has failed and msg: every problem, or why the cluster could not be asked.
    """
    kubeconfig, context = params.get("kubeconfig"), params.get("context")
    front_door = params["front_door"]
    checks = params.get("checks") or CHECKS
    kinds = ([CLASS_KIND[front_door]] if "front_door" in checks else []) + (
        ["StorageClass"] if "storage" in checks else []
    )
    refused = []
    try:
        client = connect(kubeconfig, context)
        # The client's connection already asked the server; its version is read whatever the checks.
        version = _ask(lambda: server_version(client), "Version", context, refused)
        answers = {}
        for kind in kinds:
            answers[kind] = _ask(lambda kind=kind: read_served(client, kind), kind, context, refused)
    except (KubeClientError, KubeReadError) as error:
        return {"changed": False, "failed": True, "msg": connection_failure(error, kubeconfig, context)}
    # Only the Gateway API may be missing; an IngressClass or StorageClass list the server does not serve is empty.
    for kind in ("IngressClass", "StorageClass"):
        if answers.get(kind, UNREAD) is None:
            answers[kind] = []
    facts, problems = check(
        version,
        answers.get("GatewayClass"),
        answers.get("IngressClass"),
        answers.get("StorageClass"),
        front_door,
        params["class_name"],
        params["min_version"],
        params.get("storage_class") or "",
        checks,
    )
    problems = refused + problems
    result = dict(facts, changed=False, problems=problems)
    if problems:
        result.update(failed=True, msg=" ".join(problems))
    return result
