"""The double's state directory: one JSON file per profile, commands.log, a lock.

The directory is MINIKUBE_DOUBLE_STATE (default ~/.minikube-double):

profiles/<name>.json   a profile: minikube's config.json ("Config") with the
                       double's own fields (Status, Images, ControlPlane)
clusters/<name>/       the control plane's kubeconfig (harness.py)
commands.log           one JSON line per invocation: time, argv, profile,
                       exit code, seconds; tests read it to prove what ran
                       (without MINIKUBE_DOUBLE_STATE, only once the default
                       directory exists: `version` alone creates nothing)
lock                   one invocation at a time

A profile whose ControlPlane is "none" has no control plane behind it: it
was written by the double-only command ``double-seed`` (below), so that a
test can give the roles a profile with the driver, IP and status it wants
where no cluster can run (the dns_resolver scenario's containers). Its
recorded Status is taken as it is.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import shutil
import time

STATE_ENV = "MINIKUBE_DOUBLE_STATE"


def state_root() -> str:
    return os.environ.get(STATE_ENV) or os.path.join(os.path.expanduser("~"), ".minikube-double")


def minikube_home() -> str | None:
    """minikube's own directory when MINIKUBE_HOME names one, by minikube's rule."""
    home = os.environ.get("MINIKUBE_HOME")
    if not home:
        return None
    return home if os.path.basename(home) == ".minikube" else os.path.join(home, ".minikube")


class State:
    """The double's state directory (see the module's docstring)."""

    def __init__(self, root: str):
        self.root = root
        self.profiles_dir = os.path.join(root, "profiles")
        self.minikube_home = minikube_home()

    def profile_folder(self, name: str) -> str | None:
        """minikube's folder of the profile (MINIKUBE_HOME set), else None."""
        return os.path.join(self.minikube_home, "profiles", name) if self.minikube_home else None

    def _path(self, name: str) -> str:
        return os.path.join(self.profiles_dir, f"{name}.json")

    def names(self) -> list[str]:
        if not os.path.isdir(self.profiles_dir):
            return []
        return sorted(f[: -len(".json")] for f in os.listdir(self.profiles_dir) if f.endswith(".json"))

    def load(self, name: str) -> dict | None:
        try:
            with open(self._path(name), encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None

    def save(self, profile: dict) -> None:
        os.makedirs(self.profiles_dir, exist_ok=True)
        path = self._path(profile["Name"])
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(profile, handle, indent=2, sort_keys=True)
        os.replace(tmp, path)
        folder = self.profile_folder(profile["Name"])
        if folder:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as handle:
                json.dump(profile.get("Config", {}), handle, indent=2, sort_keys=True)

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path(name))
        shutil.rmtree(self.harness_dir(name), ignore_errors=True)
        folder = self.profile_folder(name)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    def harness_dir(self, name: str) -> str:
        return os.path.join(self.root, "clusters", name)

    def log(self, argv: list[str], profile: str, code: int, started: float) -> None:
        record = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "argv": argv,
            "profile": profile,
            "exit": code,
            "seconds": round(time.monotonic() - started, 3),
        }
        if os.environ.get(STATE_ENV):
            os.makedirs(self.root, exist_ok=True)
        elif not os.path.isdir(self.root):
            # The default directory is made by the commands that keep state;
            # a `version` probe of a release copy leaves the home untouched.
            return
        with open(os.path.join(self.root, "commands.log"), "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    @contextlib.contextmanager
    def locked(self):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, "lock"), "w", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def node_ip() -> str:
    return os.environ.get("MINIKUBE_DOUBLE_NODE_IP", "127.0.0.1")


def node_name(number: int) -> str:
    """minikube's name of the NUMBERth node: m02, m03... (the primary's own name is empty)."""
    return f"m{number:02d}"


def worker(name: str, version: str, runtime: str) -> dict:
    """A worker node's entry in the profile's Nodes, as minikube writes it."""
    return {
        "Name": name,
        "IP": node_ip(),
        "Port": 0,
        "KubernetesVersion": version,
        "ContainerRuntime": runtime,
        "ControlPlane": False,
        "Worker": True,
    }


def new_profile(name: str, opts) -> dict:
    version = opts.kubernetes_version
    runtime = opts.container_runtime
    # `start --nodes=N`: the primary, then N-1 workers (seeded profiles have one node).
    count = getattr(opts, "nodes", 1)
    workers = [worker(node_name(number), version, runtime) for number in range(2, count + 1)]
    return {
        "Name": name,
        "Status": "Stopped",
        "Config": {
            "Name": name,
            "KeepContext": False,
            "EmbedCerts": False,
            "Memory": opts.memory_mb,
            "CPUs": opts.cpus,
            "DiskSize": 20000,
            "Driver": opts.driver,
            "Network": "",
            "KubernetesConfig": {
                "KubernetesVersion": version,
                "ClusterName": name,
                "Namespace": "default",
                "APIServerName": "minikubeCA",
                "DNSDomain": "cluster.local",
                "ContainerRuntime": runtime,
                "CRISocket": "",
                "NetworkPlugin": "cni",
                "ServiceCIDR": "10.96.0.0/12",
                "CNI": opts.cni,
                "ExtraOptions": None,
            },
            "Nodes": [
                {
                    "Name": "",
                    "IP": node_ip(),
                    "Port": 8443,
                    "KubernetesVersion": version,
                    "ContainerRuntime": runtime,
                    "ControlPlane": True,
                    "Worker": True,
                },
                *workers,
            ],
            "Addons": {},
            "MultiNodeRequested": count > 1,
            "VerifyComponents": {"apiserver": True, "system_pods": True},
            "StartHostTimeout": 360000000000,
        },
        "Images": [],
    }
