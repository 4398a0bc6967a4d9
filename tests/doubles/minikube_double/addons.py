"""`minikube addons list/enable/disable`, and what each addon leaves in the cluster.

Enabling an addon applies, through the profile's API server, the objects
the real addon leaves behind as far as the project depends on them; the
addon names are the real binary's (recordings).
"""

from __future__ import annotations

import functools
import json
import sys
from typing import TYPE_CHECKING

from . import recordings
from .harness import Harness
from .output import EX_ADDON_ERROR, EX_OK, EX_USAGE, UsageError, fail, profile_not_found, say

if TYPE_CHECKING:
    from .context import Context

DEFAULT_ADDONS = ("default-storageclass", "storage-provisioner")


@functools.cache
def addon_names() -> list[str]:
    """The addon names of the real `addons list`, sorted as it prints them."""
    return list(recordings.stdout_json("addons-list-json-unknown.json"))


def addon_manifests(name: str, profile: str) -> list[dict]:
    """What an addon leaves in the cluster, as far as the project depends on it."""
    if name == "ingress":
        labels = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx"}
        controller = {**labels, "app.kubernetes.io/component": "controller"}
        return [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ingress-nginx", "labels": labels}},
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": {
                    "name": "nginx",
                    "labels": controller,
                    "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
                },
                "spec": {"controller": "k8s.io/ingress-nginx"},
            },
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": "ingress-nginx", "namespace": "ingress-nginx", "labels": controller},
            },
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx", "labels": controller},
                "spec": {
                    "replicas": 1,
                    "revisionHistoryLimit": 10,
                    "minReadySeconds": 0,
                    "selector": {"matchLabels": controller},
                    "template": {
                        "metadata": {"labels": {**controller, "gcp-auth-skip-secret": "true"}},
                        "spec": {
                            "serviceAccountName": "ingress-nginx",
                            "containers": [
                                {
                                    "name": "controller",
                                    # The nodes are simulated: nothing pulls this image.
                                    "image": "ingress-nginx/controller:v1.14.1",
                                    "args": [
                                        "/nginx-ingress-controller",
                                        "--election-id=ingress-nginx-leader",
                                        "--controller-class=k8s.io/ingress-nginx",
                                        "--watch-ingress-without-class=true",
                                    ],
                                    "ports": [
                                        {"name": "http", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                                        {"name": "https", "containerPort": 443, "hostPort": 443, "protocol": "TCP"},
                                    ],
                                }
                            ],
                        },
                    },
                },
            },
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx", "labels": controller},
                "spec": {
                    "type": "NodePort",
                    "selector": controller,
                    "ports": [
                        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                        {"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"},
                    ],
                },
            },
        ]
    if name == "ingress-dns":
        return [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": "kube-ingress-dns-minikube",
                    "namespace": "kube-system",
                    "labels": {"app": "minikube-ingress-dns", "app.kubernetes.io/part-of": "kube-system"},
                },
                "spec": {
                    "hostNetwork": True,
                    "containers": [
                        {
                            "name": "minikube-ingress-dns",
                            "image": "k8s-minikube/minikube-ingress-dns:0.0.4",
                            "ports": [{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}],
                        }
                    ],
                },
            }
        ]
    if name == "default-storageclass":
        return [
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {
                    "name": "standard",
                    "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
                    "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists"},
                },
                "provisioner": "k8s.io/minikube-hostpath",
            }
        ]
    return []


def apply_addon(harness: Harness, name: str, profile: str, enable: bool) -> str | None:
    """Apply or delete the addon's objects; returns an error text or None."""
    manifests = addon_manifests(name, profile)
    if not manifests:
        return None
    document = json.dumps({"apiVersion": "v1", "kind": "List", "items": manifests})
    if enable:
        result = harness.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=document)
    else:
        result = harness.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", "-", stdin=document)
    if result.returncode != 0:
        return result.stderr.strip() or result.stdout.strip()
    if enable and name == "ingress":
        # Like minikube: wait (up to 6 minutes) for the controller pods. A
        # wait on the pods' label fails at once while the controller has
        # not created them yet; the Deployment exists as soon as it is
        # applied, and it is Available once its pods are ready.
        result = harness.kubectl(
            "wait",
            "--namespace=ingress-nginx",
            "--for=condition=Available",
            "deployment/ingress-nginx-controller",
            "--timeout=360s",
        )
        if result.returncode != 0:
            return "waiting for app.kubernetes.io/name=ingress-nginx pods: " + (result.stderr.strip() or "timed out")
    return None


def addons(ctx: Context, args: list[str]) -> int:
    if not args:
        sys.stderr.write("Error: addons needs a subcommand: list, enable, disable\n")
        return EX_USAGE
    sub, rest = args[0], args[1:]
    if sub == "list":
        parser = UsageError(prog="minikube addons list")
        parser.add_argument("-o", "--output", default="list")
        opts = parser.parse_args(rest)
        data = ctx.state.load(ctx.profile)
        if data is None and opts.output == "json":
            # Without the profile minikube still lists its addons, with nothing about them.
            sys.stdout.write(json.dumps(dict.fromkeys(addon_names(), {}), separators=(",", ":")))
            return EX_OK
        if data is None:
            raise profile_not_found(ctx.profile, False)
        enabled = data["Config"]["Addons"]
        if opts.output == "json":
            document = {
                name: {"Profile": ctx.profile, "Status": "enabled" if enabled.get(name) else "disabled"}
                for name in addon_names()
            }
            print(json.dumps(document, separators=(",", ":")))
        else:
            print("|-----------------------------|----------|--------------|")
            for name in addon_names():
                status = "enabled" if enabled.get(name) else "disabled"
                print(f"| {name:<27} | {ctx.profile:<8} | {status:<12} |")
        return EX_OK
    if sub in ("enable", "disable"):
        parser = UsageError(prog=f"minikube addons {sub}")
        parser.add_argument("name")
        parser.add_argument("--images", default="")
        parser.add_argument("--registries", default="")
        parser.add_argument("--force", action="store_true")
        opts = parser.parse_args(rest)
        data = ctx.require()
        if opts.name not in addon_names():
            raise fail(
                EX_ADDON_ERROR,
                "MK_ADDON_ENABLE" if sub == "enable" else "MK_ADDON_DISABLE",
                f"{sub} failed: run callbacks: {opts.name} is not a valid addon",
            )
        ctx.require_running(data, "GUEST_STATUS", suggest=True)
        error = apply_addon(ctx.harness(), opts.name, ctx.profile, sub == "enable")
        if error:
            raise fail(
                EX_ADDON_ERROR,
                "MK_ADDON_ENABLE" if sub == "enable" else "MK_ADDON_DISABLE",
                f"{sub} failed: run callbacks: running callbacks: [{error}]",
            )
        data["Config"]["Addons"][opts.name] = sub == "enable"
        ctx.state.save(data)
        if sub == "enable":
            if opts.name == "ingress":
                say("Verifying ingress addon...")
            say(f"The '{opts.name}' addon is enabled")
        else:
            say(f"\"The '{opts.name}' addon is disabled")
        return EX_OK
    sys.stderr.write(f'Error: unknown command "{sub}" for "minikube addons"\n')
    return EX_USAGE
