# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way the collection's modules reach the Kubernetes API: kubernetes.core's client factory.

kubernetes.core's get_api_client (module_utils/k8s/client.py) reads the
kubeconfig and context given, else its environment (K8S_AUTH_KUBECONFIG,
K8S_AUTH_CONTEXT, ...), else the in-cluster configuration, KUBECONFIG and
~/.kube/config; it keeps one client per configuration in the process.
k8s_deploy uses its client as kubernetes.core's own modules do;
pod_request, verify_payments and minikube_addons use the Python client's
ApiClient inside it (typed reads, the port-forward stream).
"""

from __future__ import annotations

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
    from urllib3.exceptions import HTTPError
except ImportError as error:  # the modules report it through missing_required_lib
    IMPORT_ERROR = error
else:
    IMPORT_ERROR = None

# The options every module that talks to the API takes (documented by the
# doc fragment sre.minikube.kubernetes).
CONNECTION_ARGUMENT_SPEC = {
    "kubeconfig": {"type": "path"},
    "context": {"type": "str"},
}


class KubeClientError(Exception):
    """No client could be made for the kubeconfig and context given.

    unreachable: the context was loaded but its API server did not answer (else the kubeconfig, the context or
    the libraries were the trouble); reason: what went wrong, without the context and kubeconfig the message names.
    """

    def __init__(self, msg, unreachable=False, reason=None):
        super().__init__(msg)
        self.unreachable = unreachable
        self.reason = reason if reason is not None else msg


def kubeconfig_text(kubeconfig):
    """How a message names the kubeconfig: the path given, or where kubernetes.core looks without one."""
    return kubeconfig or "the default kubeconfig ($K8S_AUTH_KUBECONFIG, $KUBECONFIG or ~/.kube/config)"


def connection_checks(params):
    """The input checks of CONNECTION_ARGUMENT_SPEC's options, for inputs.refuse()."""
    return [
        {"name": "kubeconfig", "value": params.get("kubeconfig"), "rule": "path", "optional": True},
        {"name": "context", "value": params.get("context"), "rule": "text", "optional": True},
    ]


def client(kubeconfig=None, context=None, dry_run=False):
    """kubernetes.core's K8SClient for the kubeconfig and context (its standard lookup for what is not given).

    dry_run: every write it sends is a server-side dry run (check mode).
    """
    if IMPORT_ERROR is not None:
        raise KubeClientError(
            f"the kubernetes.core collection and the kubernetes Python client are needed: {IMPORT_ERROR}"
        )
    where = kubeconfig_text(kubeconfig)
    try:
        # The client asks the API server its version as it is made.
        made = get_api_client(kubeconfig=kubeconfig or None, context=context or None)
    except HTTPError as error:
        raise KubeClientError(
            f"cannot reach the API server of context {context or '(current)'} of {where}: {error}",
            unreachable=True,
            reason=str(error),
        ) from None
    except Exception as error:  # kubernetes.core's CoreException, the client's ConfigException, OSError, YAML errors
        raise KubeClientError(f"cannot load context {context or '(current)'} from {where}: {error}") from None
    made.dry_run = dry_run
    return made


def api_client(kubeconfig=None, context=None):
    """The Python client's ApiClient of client(): for typed reads and the port-forward stream."""
    return client(kubeconfig, context).client.client
