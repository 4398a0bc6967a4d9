#!/usr/bin/env python3
"""Print a fact of the product, read from the one file that holds it, for make and the test harness.

    python3 tools/product_facts.py services            # the services' names, one a line
    python3 tools/product_facts.py minikube-version    # the minikube release the product installs
    python3 tools/product_facts.py kubernetes-version  # the Kubernetes version of a new cluster
    python3 tools/product_facts.py traefik-version     # the Traefik release of the front door's image

The services come from apps/services.yml through the collection's one reader
(plugins/module_utils/services.py); the minikube release from the install
role's defaults (roles/minikube_install/defaults/main.yml,
minikube_install_version); the Kubernetes version and the Traefik release
(the tag of its image) from the cluster role's defaults
(roles/cluster_addons/defaults/main.yml, cluster_addons_kubernetes_version
and cluster_addons_traefik_image), which the test harness builds and runs.
Python callers import this file's functions (services(), service_namespaces(),
minikube_version(), kubernetes_version(), traefik_version()) instead of
running it. Exits 1,
saying what is wrong, when the file cannot be read.
"""

from __future__ import annotations

import pathlib
import re
import sys

import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
COLLECTIONS = TOP / "collection"
MINIKUBE_DEFAULTS = TOP / "roles" / "minikube_install" / "defaults" / "main.yml"
MINIKUBE_VERSION = "minikube_install_version"
CLUSTER_DEFAULTS = TOP / "roles" / "cluster_addons" / "defaults" / "main.yml"
CLUSTER_VARS = TOP / "roles" / "cluster_addons" / "vars" / "main.yml"
DEPLOY_DEFAULTS = TOP / "roles" / "app_deploy" / "defaults" / "main.yml"
DEPLOY_VARS = TOP / "roles" / "app_deploy" / "vars" / "main.yml"
KUBERNETES_VERSION = "cluster_addons_kubernetes_version"
TRAEFIK_IMAGE = "cluster_addons_traefik_image"
# name:vX.Y.Z, optionally @sha256:<digest>; the tag is the release.
TRAEFIK_TAG = re.compile(r"[a-z0-9./_-]+:(v\d+\.\d+\.\d+)(@sha256:[0-9a-f]{64})?")

if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

from ansible_collections.sre.minikube.plugins.module_utils import services as _services  # noqa: E402


class FactError(Exception):
    """A fact that cannot be read; the message names the file."""


def services(path=None):
    """The services of apps/services.yml (or of PATH), each a dict, in the file's order."""
    try:
        return _services.read(str(path) if path else _services.default_file())
    except _services.ServicesFileError as error:
        raise FactError(str(error)) from None


def service_names(path=None):
    """The services' names: each an app's directory under apps/ and its image."""
    return _services.names(services(path))


def service_namespaces(namespace, path=None):
    """Where each service of apps/services.yml (or of PATH) runs in the stack of NAMESPACE: name -> its team's
    namespace, as the deploy stage makes it (services.teams())."""
    return {name: team["namespace"] for team in _services.teams(services(path), namespace) for name in team["services"]}


def _default(path, name):
    """The value of NAME in the role defaults file PATH (None when it has none)."""
    try:
        defaults = yaml.safe_load(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FactError(f"cannot read {path}: {error}") from None
    return defaults.get(name) if isinstance(defaults, dict) else None


def _version(path, name):
    """The vX.Y.Z value of NAME in the role defaults file PATH."""
    version = _default(path, name)
    if not isinstance(version, str) or not version.startswith("v"):
        raise FactError(f"{path} holds no {name} of the form vX.Y.Z (got {version!r})")
    return version


def minikube_version(path=MINIKUBE_DEFAULTS):
    """The minikube release the product installs (vX.Y.Z), as the install role's defaults hold it."""
    return _version(path, MINIKUBE_VERSION)


def kubernetes_version(path=CLUSTER_DEFAULTS):
    """The Kubernetes version of a new cluster (vX.Y.Z), as the cluster role's defaults hold it."""
    return _version(path, KUBERNETES_VERSION)


def traefik_version(path=CLUSTER_DEFAULTS):
    """The Traefik release (vX.Y.Z) of the image the cluster role deploys: its tag."""
    image = _default(path, TRAEFIK_IMAGE)
    match = TRAEFIK_TAG.fullmatch(image) if isinstance(image, str) else None
    if not match:
        raise FactError(f"{path} holds no {TRAEFIK_IMAGE} of the form name:vX.Y.Z[@sha256:...] (got {image!r})")
    return match.group(1)


def app_definitions(declared=None, **changes):
    """The objects the deploy stage applies for DECLARED (default: apps/services.yml's services).

    Built by the collection's model with the app_deploy role's defaults (CHANGES: settings, without their
    app_deploy_ prefix, that differ), each image tagged src-<n>: what `kube-score` and the services' tests read
    without a cluster. Raises FactError on a problem of the model.
    """
    from ansible_collections.sre.minikube.plugins.module_utils.deploy_model import build  # noqa: PLC0415

    declared = services() if declared is None else declared
    defaults = yaml.safe_load(DEPLOY_DEFAULTS.read_text(encoding="utf-8"))
    role_vars = yaml.safe_load(DEPLOY_VARS.read_text(encoding="utf-8"))
    settings = {k.removeprefix("app_deploy_"): v for k, v in defaults.items() if k != "app_deploy_services"}
    settings.update(
        images={s["name"]: {"image": s["name"], "tag": f"src-{i:08d}"} for i, s in enumerate(declared)},
        owner_label=role_vars["_app_deploy_owner_label"],
        owner=role_vars["_app_deploy_owner"],
        part_of=role_vars["_app_deploy_part_of"],
    )
    settings.update(changes)
    model = build(declared, settings)
    if model["problems"]:
        raise FactError(" ".join(model["problems"]))
    return model["definitions"]


def front_door_definitions():
    """The objects the cluster stage applies for the gateway front door, with the cluster role's defaults.

    Where the defaults are decided on the cluster, the values of a laptop whose node is reachable: a NodePort
    Service, and CoreDNS under a name of its own for the cluster's image. Raises FactError on a problem.
    """
    from ansible_collections.sre.minikube.plugins.module_utils.front_door import build  # noqa: PLC0415

    defaults = yaml.safe_load(CLUSTER_DEFAULTS.read_text(encoding="utf-8"))
    role_vars = yaml.safe_load(CLUSTER_VARS.read_text(encoding="utf-8"))
    model = build(
        {
            "front_door_namespace": defaults["cluster_addons_front_door_namespace"],
            "gateway_class": defaults["cluster_addons_gateway_class"],
            "traefik_image": defaults["cluster_addons_traefik_image"],
            "dns_image": defaults["cluster_addons_dns_image"] or "coredns:cluster",
            "domain": defaults["cluster_addons_domain"],
            "gateway_service_type": "NodePort",
            "labels": {role_vars["_cluster_addons_owner_label"]: role_vars["_cluster_addons_owner"]},
        }
    )
    if model["problems"]:
        raise FactError(" ".join(model["problems"]))
    return model["cluster_definitions"] + model["definitions"]


FACTS = {
    "services": lambda: "\n".join(service_names()),
    "minikube-version": minikube_version,
    "kubernetes-version": kubernetes_version,
    "traefik-version": traefik_version,
}


def main(argv):
    if len(argv) != 1 or argv[0] not in FACTS:
        print(f"usage: product_facts.py {{{'|'.join(FACTS)}}}", file=sys.stderr)
        return 2
    try:
        print(FACTS[argv[0]]())
    except FactError as error:
        print(f"product_facts: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
