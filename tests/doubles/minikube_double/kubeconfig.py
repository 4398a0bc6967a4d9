"""The user's kubeconfig, as minikube edits it: the profile's context merged, removed, checked."""

from __future__ import annotations

import json
import os
import subprocess

from .harness import cluster_script


def user_kubeconfig() -> str:
    """Where minikube writes contexts: the first KUBECONFIG entry, or ~/.kube/config."""
    paths = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    return paths[0] if paths else os.path.join(os.path.expanduser("~"), ".kube", "config")


def read_kubeconfig(path: str) -> dict:
    """Read a kubeconfig (YAML or JSON) as JSON through the harness's kubectl."""
    empty = {"apiVersion": "v1", "kind": "Config", "clusters": [], "contexts": [], "users": [], "preferences": {}}
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return empty
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if data is None:
        try:
            import yaml  # noqa: PLC0415 - only needed for YAML files written by other tools

            data = yaml.safe_load(text)
        except ImportError:
            data = kubeconfig_as_json(path)
    data = data or {}
    for key in ("clusters", "contexts", "users"):
        data[key] = data.get(key) or []
    return {**empty, **data}


def kubeconfig_as_json(path: str) -> dict:
    """Without PyYAML: let the harness's kubectl convert the file (the last --kubeconfig wins)."""
    result = subprocess.run(
        [cluster_script(), "kubectl", "config", "view", "--raw", "-o", "json", "--kubeconfig", path],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cannot read {path}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def write_kubeconfig(path: str, config: dict) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".minikube-double.tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump(config, handle, indent=2)
    os.replace(tmp, path)


def merge_context(profile: str, source: str, target: str) -> None:
    """Copy the harness's context (named after the profile) into the user's kubeconfig, make it current."""
    theirs = read_kubeconfig(source)
    ours = read_kubeconfig(target)
    for key in ("clusters", "contexts", "users"):
        entries = [e for e in theirs[key] if e.get("name") == profile]
        if not entries:
            raise RuntimeError(f"{source} has no {key[:-1]} named {profile}")
        ours[key] = [e for e in ours[key] if e.get("name") != profile] + entries
    ours["current-context"] = profile
    write_kubeconfig(target, ours)


def remove_context(profile: str, target: str) -> None:
    if not os.path.exists(target):
        return
    ours = read_kubeconfig(target)
    for key in ("clusters", "contexts", "users"):
        ours[key] = [e for e in ours[key] if e.get("name") != profile]
    if ours.get("current-context") == profile:
        ours["current-context"] = ""
    write_kubeconfig(target, ours)


def context_configured(profile: str, source: str, target: str) -> bool:
    """True when the user's kubeconfig points the profile's context at the running API server."""
    try:
        theirs = read_kubeconfig(source)
        ours = read_kubeconfig(target)
    except (OSError, RuntimeError):
        return False

    def server(config):
        for cluster in config["clusters"]:
            if cluster.get("name") == profile:
                return (cluster.get("cluster") or {}).get("server")
        return None

    has_context = any(c.get("name") == profile for c in ours["contexts"])
    return has_context and server(ours) is not None and server(ours) == server(theirs)
