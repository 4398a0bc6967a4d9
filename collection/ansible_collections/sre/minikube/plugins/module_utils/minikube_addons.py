# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Enable the minikube addons that are disabled and wait for their Deployments: sre.minikube.minikube_addons's work.

The module and its action plugin (which does the work in the controller's
process when the host is the controller) share it: the options, their
rules, and enable(), which returns the module's result or raises
AddonsError with the failure's message and fields.
"""

from __future__ import annotations

import threading

from ansible_collections.sre.minikube.plugins.module_utils import kube_client, kube_read, rollout
from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    Minikube,
    MinikubeError,
    argument_spec,
    common_checks,
)

# The module's options (sre.minikube.minikube_addons).
ARGUMENT_SPEC = {
    **argument_spec(profile=True),
    "enabled": {"type": "list", "elements": "str", "required": True},
    "disabled": {"type": "list", "elements": "str", "default": []},
    "args": {"type": "dict", "default": {}},
    "wait_for": {"type": "list", "elements": "str", "default": []},
    "wait_timeout": {"type": "int", "default": 360},
    **kube_client.CONNECTION_ARGUMENT_SPEC,
}


class AddonsError(Exception):
    """The run failed: the message, and the result's other fields."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.result = result


class DeploymentReader:
    """Loads the Kubernetes client on a side thread while minikube answers; then reads Deployments with it.

    Importing the client is most of the cost of a read: done beside the
    `minikube addons list` process, a re-run's one read costs little more
    than the request itself.
    """

    def __init__(self, kubeconfig, context):
        self.outcome = (None, None)
        self.thread = threading.Thread(target=self.load, args=(kubeconfig, context))
        self.thread.start()

    def load(self, kubeconfig, context):
        try:
            client = kube_client.api_client(kubeconfig, context)
            self.outcome = (lambda kind, namespace, name: kube_read.read(client, kind, namespace, name), None)
        except Exception as error:  # reported by wait() when the reads are needed
            self.outcome = (None, error)

    def get(self):
        """(read, None) once the client is loaded, or (None, the error that stopped it)."""
        self.thread.join()
        return self.outcome


def refuse(checks):
    found = problems(checks)
    if found:
        raise AddonsError(" ".join(found), problems=found)


def enable(params, check_mode, diff, runner):
    """The module's result for the type-checked PARAMS; runner(argv) -> (rc, stdout, stderr) runs minikube."""
    refuse(
        common_checks(params)
        + [
            {"name": "enabled", "value": params["enabled"], "rule": "dns_label", "elements": True},
            {"name": "disabled", "value": params["disabled"], "rule": "dns_label", "elements": True},
            {"name": "args", "value": params["args"], "rule": "dns_label", "elements": True},
        ]
        + kube_client.connection_checks(params)
    )
    bad_args = sorted(
        name
        for name, value in params["args"].items()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value)
    )
    if bad_args:
        raise AddonsError(f"args must map addon names to lists of flags (strings), not: {bad_args}")
    refuse(
        [{"name": "wait_for", "value": params["wait_for"], "rule": "namespaced_name", "elements": True}]
        + [
            {"name": f"args[{name!r}]", "value": value, "rule": "flag", "elements": True}
            for name, value in params["args"].items()
        ]
    )
    profile = params["profile"]
    reader = DeploymentReader(params["kubeconfig"], params["context"] or profile) if params["wait_for"] else None
    minikube = Minikube(params["binary"], runner, profile)
    try:
        before = minikube.addons()
    except MinikubeError as error:
        raise AddonsError(error.describe(), **error.as_dict()) from None
    except OSError as error:
        raise AddonsError(f"cannot run {params['binary']}: {error}") from None
    both = sorted(set(params["enabled"]) & set(params["disabled"]))
    if both:
        raise AddonsError(f"{', '.join(both)} cannot be both enabled and disabled.", problems=both)
    unknown = [name for name in params["enabled"] + params["disabled"] if name not in before]
    if unknown:
        raise AddonsError(
            f"minikube has no addon named {', '.join(unknown)}. Available: {', '.join(sorted(before))}.",
            unknown=unknown,
        )
    wanted = list(dict.fromkeys(params["enabled"]))
    unwanted = list(dict.fromkeys(params["disabled"]))
    to_enable = [name for name in wanted if not before[name]]
    to_disable = [name for name in unwanted if before[name]]
    after = dict(before, **dict.fromkeys(to_enable, True), **dict.fromkeys(to_disable, False))
    result = {
        "changed": bool(to_enable or to_disable),
        "enabled_now": to_enable,
        "disabled_now": to_disable,
        "commands": [" ".join(minikube.disable_addon_argv(n)) for n in to_disable]
        + [" ".join(minikube.enable_addon_argv(n, params["args"].get(n, []))) for n in to_enable],
    }
    if diff:
        result["diff"] = {
            "before": "".join(f"{name}: {'enabled' if before[name] else 'disabled'}\n" for name in unwanted + wanted),
            "after": "".join(f"{name}: {'enabled' if after[name] else 'disabled'}\n" for name in unwanted + wanted),
        }
    result["pending"] = to_enable if check_mode else []
    if not check_mode:
        # First what is turned off: an addon that holds what another needs (the node's ports) lets go of it.
        gone = []
        for name in to_disable:
            try:
                minikube.disable_addon(name)
            except MinikubeError as error:
                raise AddonsError(
                    error.describe(), disabled_now=gone, changed=bool(gone), addon=name, **error.as_dict()
                ) from None
            gone.append(name)
        done = []
        for name in to_enable:
            try:
                minikube.enable_addon(name, params["args"].get(name, []))
            except MinikubeError as error:
                raise AddonsError(
                    error.describe(),
                    enabled_now=done,
                    disabled_now=gone,
                    changed=bool(done or gone),
                    addon=name,
                    **error.as_dict(),
                ) from None
            done.append(name)
    result["addons"] = after
    result["waited"] = bool(params["wait_for"]) and not (check_mode and to_enable)
    result["unavailable"] = wait(params, reader) if result["waited"] else []
    return result


def wait(params, reader):
    """The wait_for Deployments that have not rolled out once the wait ends; AddonsError when they cannot be read."""
    read, error = reader.get()
    if error is None:
        targets = [("Deployment", *target.split("/", 1)) for target in params["wait_for"]]
        try:
            pending = rollout.wait(read, targets, params["wait_timeout"])
        except kube_read.KubeReadError as failure:
            error = failure
        else:
            return [f"{namespace}/{name}" for _kind, namespace, name in pending]
    raise AddonsError(f"could not read the addons' Deployments: {error}")
