# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cluster_check: what an existing cluster lacks for the stack, from the API server's answers, every problem at once."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import cluster_check
from ansible_collections.sre.minikube.plugins.module_utils.cluster_check import (
    UNREAD,
    check,
    default_storage_class,
    parse_min_version,
    parse_version,
    survey,
)
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import KubeClientError
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import KubeReadError

TRAEFIK = "traefik.io/gateway-controller"


def version(git, major="1", minor=None):
    minor = minor if minor is not None else git.split(".")[1]
    return {"major": major, "minor": minor, "gitVersion": git, "platform": "linux/amd64"}


def gateway_class(name, status="True", reason="Accepted", message="", controller=TRAEFIK):
    condition = {"type": "Accepted", "status": status, "reason": reason, "message": message}
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GatewayClass",
        "metadata": {"name": name},
        "spec": {"controllerName": controller},
        "status": {"conditions": [condition] if status else []},
    }


def ingress_class(name, controller="k8s.io/ingress-nginx"):
    return {"kind": "IngressClass", "metadata": {"name": name}, "spec": {"controller": controller}}


def storage_class(
    name, default=None, created="2026-01-01T00:00:00Z", annotation=cluster_check.DEFAULT_STORAGE_ANNOTATIONS[0]
):
    annotations = {annotation: default} if default is not None else {}
    return {
        "kind": "StorageClass",
        "metadata": {"name": name, "annotations": annotations, "creationTimestamp": created},
        "provisioner": "rancher.io/local-path",
    }


# /version answers as API servers give them, and the (major, minor, patch) read from them.
VERSIONS = [
    pytest.param(version("v1.35.4"), (1, 35, 4), id="plain"),
    pytest.param(version("v1.31.2-eks-abc", minor="31+"), (1, 31, 2), id="eks-minor-with-plus"),
    pytest.param(version("v1.30.1+k3s1"), (1, 30, 1), id="k3s"),
    pytest.param(version("v1.30.5-gke.1014001"), (1, 30, 5), id="gke"),
    pytest.param({"gitVersion": "v1.31.2-eks-abc"}, (1, 31, 2), id="git-version-alone"),
    pytest.param({"gitVersion": "1.32.0"}, (1, 32, 0), id="git-version-without-v"),
    pytest.param({"gitVersion": "v1.33"}, (1, 33, None), id="git-version-without-patch"),
    pytest.param({"major": "1", "minor": "31+"}, (1, 31, None), id="major-minor-alone"),
    pytest.param({"major": "1", "minor": "", "gitVersion": "v1.34.0"}, (1, 34, 0), id="empty-minor-uses-git"),
    # The answer's own fields win over a gitVersion that names another release.
    pytest.param(version("v3.11.0+abc", minor="11+"), (1, 11, None), id="git-version-of-another-release"),
    pytest.param({}, None, id="empty"),
    pytest.param(None, None, id="none"),
    pytest.param("v1.35.4", None, id="not-a-mapping"),
    pytest.param({"gitVersion": "unknown", "major": "", "minor": ""}, None, id="no-version"),
]


@pytest.mark.parametrize(("info", "expected"), VERSIONS)
def test_parse_version(info, expected):
    assert parse_version(info) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.30", (1, 30)), ("v1.30", (1, 30)), ("1.9", (1, 9)), ("1.30.1", None), ("1", None), ("", None), (None, None)],
)
def test_parse_min_version(text, expected):
    assert parse_min_version(text) == expected


# A cluster with everything the stack needs: each case below changes one piece of it (or several).
GOOD = {
    "version": version("v1.35.4"),
    "gateway_classes": [gateway_class("sre-minikube")],
    "ingress_classes": [ingress_class("nginx")],
    "storage_classes": [storage_class("standard", "true")],
    "front_door": "gateway",
    "class_name": "sre-minikube",
    "min_version": "1.30",
    "storage_class": "",
}
GOOD_FACTS = {
    "server_version": "v1.35.4",
    "gateway_class": {"name": "sre-minikube", "controller": TRAEFIK, "accepted": True},
    "default_storage_class": "standard",
    "storage_class": "standard",
}
NO_DEFAULT = (
    'No default StorageClass (annotation storageclass.kubernetes.io/is-default-class: "true"): the database\'s'
    " PersistentVolumeClaim would stay Pending."
)

# (changes to GOOD, the problems, the facts that differ from GOOD_FACTS)
CASES = [
    pytest.param({}, [], {}, id="all-good-gateway"),
    pytest.param(
        {"front_door": "ingress", "class_name": "nginx", "gateway_classes": None},
        [],
        {"ingress_class": {"name": "nginx", "controller": "k8s.io/ingress-nginx"}},
        id="all-good-ingress-without-the-gateway-api",
    ),
    pytest.param({"version": version("v1.30.0")}, [], {"server_version": "v1.30.0"}, id="the-oldest-supported"),
    pytest.param(
        {"version": version("v1.28.3")},
        [
            "Kubernetes v1.28.3 is older than the oldest the stack supports, v1.30: upgrade the cluster to v1.30 or"
            " newer, or set sre_minikube_context (and sre_minikube_kubeconfig) to a newer cluster's."
        ],
        {"server_version": "v1.28.3"},
        id="too-old",
    ),
    pytest.param(
        {"version": version("v1.31.2-eks-abc", minor="31+"), "min_version": "v1.32"},
        ["Kubernetes v1.31.2-eks-abc is older than the oldest the stack supports, v1.32: "],
        {"server_version": "v1.31.2-eks-abc"},
        id="too-old-eks",
    ),
    pytest.param(
        {"version": {"major": "1", "minor": "31+"}, "min_version": "1.31"},
        [],
        {"server_version": "v1.31"},
        id="no-git-version",
    ),
    pytest.param(
        {"version": {"gitVersion": "unknown"}},
        [
            "The API server's /version names no Kubernetes version (gitVersion 'unknown', major None, minor None), so"
            " it cannot be told to be at least v1.30: check that the context names a Kubernetes API server."
        ],
        {"server_version": "unknown"},
        id="no-version",
    ),
    pytest.param(
        {"min_version": "1.x"},
        ["min_version '1.x' is not a Kubernetes minor release such as 1.30."],
        {},
        id="bad-min-version",
    ),
    pytest.param(
        {"gateway_classes": None},
        [
            "The Gateway API is not served by this cluster (no gateway.networking.k8s.io/v1): install its CRDs and a"
            " controller, or set sre_minikube_front_door: ingress."
        ],
        {"gateway_class": None},
        id="no-gateway-api",
    ),
    pytest.param(
        {"class_name": "x", "gateway_classes": [gateway_class("b"), gateway_class("a")]},
        [
            "No GatewayClass named 'x': the cluster has GatewayClasses a, b. Set sre_minikube_gateway_class to one"
            " of them, or install a Gateway API controller."
        ],
        {"gateway_class": None},
        id="no-such-gateway-class",
    ),
    pytest.param(
        {"gateway_classes": []},
        [
            "No GatewayClass named 'sre-minikube': the cluster has none. Install a Gateway API controller and set"
            " sre_minikube_gateway_class to its GatewayClass, or set sre_minikube_front_door: ingress."
        ],
        {"gateway_class": None},
        id="no-gateway-class-at-all",
    ),
    pytest.param(
        {
            "gateway_classes": [
                gateway_class("sre-minikube", "Unknown", "Pending", "Waiting for controller"),
                gateway_class("istio", controller="istio.io/gateway-controller"),
            ]
        },
        [
            "GatewayClass 'sre-minikube' is not Accepted (status Unknown, reason: Pending, Waiting for controller):"
            " check that its controller (traefik.io/gateway-controller) runs in the cluster, or set"
            " sre_minikube_gateway_class to an Accepted GatewayClass (Accepted here: istio)."
        ],
        {"gateway_class": {"name": "sre-minikube", "controller": TRAEFIK, "accepted": False}},
        id="gateway-class-pending",
    ),
    pytest.param(
        {"gateway_classes": [gateway_class("sre-minikube", "False", "InvalidParameters", "no such ConfigMap")]},
        [
            "GatewayClass 'sre-minikube' is not Accepted (status False, reason: InvalidParameters, no such"
            " ConfigMap): check that its controller (traefik.io/gateway-controller) runs in the cluster, or set"
            " sre_minikube_gateway_class to an Accepted GatewayClass."
        ],
        {"gateway_class": {"name": "sre-minikube", "controller": TRAEFIK, "accepted": False}},
        id="gateway-class-refused",
    ),
    pytest.param(
        {"gateway_classes": [gateway_class("sre-minikube", status="")]},
        ["GatewayClass 'sre-minikube' is not Accepted (its status has no Accepted condition): "],
        {"gateway_class": {"name": "sre-minikube", "controller": TRAEFIK, "accepted": False}},
        id="gateway-class-without-status",
    ),
    pytest.param(
        {
            "front_door": "ingress",
            "class_name": "x",
            "ingress_classes": [ingress_class("traefik"), ingress_class("nginx")],
        },
        [
            "No IngressClass named 'x': the cluster has IngressClasses nginx, traefik. Set sre_minikube_ingress_class"
            " to one of them, or install an ingress controller."
        ],
        {"ingress_class": None},
        id="no-such-ingress-class",
    ),
    pytest.param(
        {"front_door": "ingress", "class_name": "nginx", "ingress_classes": []},
        [
            "No IngressClass named 'nginx': the cluster has none. Install an ingress controller and set"
            " sre_minikube_ingress_class to its IngressClass, or set sre_minikube_front_door: gateway."
        ],
        {"ingress_class": None},
        id="no-ingress-class-at-all",
    ),
    pytest.param(
        {"storage_classes": [storage_class("standard"), storage_class("fast", "false")]},
        [
            NO_DEFAULT + " Mark one as default (kubectl annotate storageclass <name>"
            " storageclass.kubernetes.io/is-default-class=true; the cluster has fast, standard), or set"
            " app_deploy_postgres_storage_class to one of them."
        ],
        {"default_storage_class": None, "storage_class": None},
        id="no-default-storage-class",
    ),
    pytest.param(
        {"storage_classes": [storage_class("standard", "True")]},
        [NO_DEFAULT + " Mark one as default "],
        {"default_storage_class": None, "storage_class": None},
        id="the-annotation-must-be-exactly-true",
    ),
    pytest.param(
        {"storage_classes": []},
        [
            NO_DEFAULT + " The cluster has no StorageClass: install a volume provisioner and mark its StorageClass as"
            " default."
        ],
        {"default_storage_class": None, "storage_class": None},
        id="no-storage-class-at-all",
    ),
    pytest.param(
        {"storage_classes": [storage_class("old", "true", annotation=cluster_check.DEFAULT_STORAGE_ANNOTATIONS[1])]},
        [],
        {"default_storage_class": "old", "storage_class": "old"},
        id="the-beta-annotation-counts",
    ),
    pytest.param(
        {"storage_classes": [storage_class("fast"), storage_class("standard", "true")], "storage_class": "fast"},
        [],
        {"storage_class": "fast"},
        id="a-named-storage-class",
    ),
    pytest.param(
        {"storage_classes": [storage_class("fast")], "storage_class": "fast"},
        [],
        {"default_storage_class": None, "storage_class": "fast"},
        id="a-named-storage-class-needs-no-default",
    ),
    pytest.param(
        {"storage_class": "ssd"},
        [
            "No StorageClass named 'ssd': the cluster has StorageClasses standard. Set"
            " app_deploy_postgres_storage_class to one of them, or leave it empty for the cluster's default, standard."
        ],
        {"storage_class": None},
        id="no-such-storage-class",
    ),
    pytest.param(
        {"storage_class": "ssd", "storage_classes": []},
        [
            "No StorageClass named 'ssd': the cluster has none. Install a volume provisioner and set"
            " app_deploy_postgres_storage_class to its StorageClass."
        ],
        {"default_storage_class": None, "storage_class": None},
        id="no-storage-class-to-name",
    ),
    pytest.param(
        {"version": version("v1.28.3"), "gateway_classes": None, "storage_classes": []},
        ["Kubernetes v1.28.3 is older", "The Gateway API is not served", NO_DEFAULT],
        {"server_version": "v1.28.3", "gateway_class": None, "default_storage_class": None, "storage_class": None},
        id="every-problem-at-once",
    ),
    pytest.param(
        {"version": UNREAD, "gateway_classes": UNREAD, "storage_classes": UNREAD},
        [],
        {"server_version": None, "gateway_class": None, "default_storage_class": None, "storage_class": None},
        id="what-could-not-be-read-is-left-out",
    ),
]


@pytest.mark.parametrize(("changes", "problems", "facts"), CASES)
def test_check(changes, problems, facts):
    found_facts, found = check(**dict(GOOD, **changes))
    assert len(found) == len(problems), found
    for sentence, expected in zip(found, problems, strict=True):
        assert sentence.startswith(expected), sentence
    expected_facts = dict(GOOD_FACTS, **facts)
    if changes.get("front_door") == "ingress":  # only the front door's own class is a fact
        del expected_facts["gateway_class"]
    assert found_facts == expected_facts


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        pytest.param(
            [storage_class("a", "true", "2026-01-01T00:00:00Z"), storage_class("b", "true", "2026-02-01T00:00:00Z")],
            "b",
            id="the-newest",
        ),
        pytest.param([storage_class("b", "true"), storage_class("a", "true")], "a", id="then-by-name"),
        pytest.param([storage_class("a", "false"), storage_class("b")], None, id="none-marked"),
        pytest.param(None, None, id="no-list"),
    ],
)
def test_default_storage_class_is_the_one_the_api_server_picks(classes, expected):
    assert default_storage_class(classes) == expected


class Cluster:
    """Stand-ins for kube_client.api_client and kube_read's server_version and read_served, over fixed answers.

    An answer that is an exception is raised."""

    def __init__(self, **answers):
        self.answers = {
            "connect": "client",
            "Version": version("v1.35.4"),
            "GatewayClass": [gateway_class("sre-minikube")],
            "IngressClass": [ingress_class("nginx")],
            "StorageClass": [storage_class("standard", "true")],
            **answers,
        }
        self.asked = []

    def _answer(self, what):
        self.asked.append(what)
        answer = self.answers[what]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def connect(self, kubeconfig, context):
        self.asked.append(("connect", kubeconfig, context))
        return self._answer("connect")

    def server_version(self, client):
        assert client == "client"
        return self._answer("Version")

    def read_served(self, client, kind):
        assert client == "client"
        return self._answer(kind)

    def survey(self, **params):
        base = {"kubeconfig": "/home/dev/.kube/team", "context": "team-staging", "front_door": "gateway",
                "class_name": "sre-minikube", "min_version": "1.30", "storage_class": ""}  # fmt: skip
        return survey(dict(base, **params), self.connect, self.server_version, self.read_served)


def test_survey_reads_only_what_the_front_door_needs():
    cluster = Cluster()
    assert cluster.survey() == dict(GOOD_FACTS, changed=False, problems=[])
    assert cluster.asked == [("connect", "/home/dev/.kube/team", "team-staging"), "connect", "Version",
                             "GatewayClass", "StorageClass"]  # fmt: skip
    cluster = Cluster()
    result = cluster.survey(front_door="ingress", class_name="nginx")
    assert result["ingress_class"] == {"name": "nginx", "controller": "k8s.io/ingress-nginx"}
    assert "GatewayClass" not in cluster.asked


@pytest.mark.parametrize(
    ("checks", "asked", "facts"),
    [
        pytest.param(["version"], ["Version"], {"server_version"}, id="version-only"),
        pytest.param(["version", "storage"], ["Version", "StorageClass"],
                     {"server_version", "default_storage_class", "storage_class"}, id="no-front-door"),
        pytest.param(["front_door"], ["Version", "GatewayClass"], {"gateway_class"}, id="front-door-only"),
    ],
)  # fmt: skip
def test_survey_reads_and_judges_only_the_checks_asked_for(checks, asked, facts):
    # Everything is wrong, and only what is asked for is reported.
    cluster = Cluster(Version=version("v1.20.0"), GatewayClass=None, StorageClass=[])
    result = cluster.survey(checks=checks)
    assert [what for what in cluster.asked if isinstance(what, str) and what != "connect"] == asked
    assert set(result) - {"changed", "failed", "msg", "problems"} == facts
    assert len(result["problems"]) == len(checks)


def test_survey_fails_with_every_problem():
    result = Cluster(Version=version("v1.29.9"), GatewayClass=None, StorageClass=[]).survey()
    assert result["failed"] is True
    assert len(result["problems"]) == 3
    assert result["msg"] == " ".join(result["problems"])
    assert result["server_version"] == "v1.29.9"
    assert result["changed"] is False


def test_an_api_the_server_does_not_serve_has_no_storage_classes():
    result = Cluster(StorageClass=None).survey()
    assert result["problems"] == [
        NO_DEFAULT + " The cluster has no StorageClass: install a volume provisioner and mark its StorageClass as"
        " default."
    ]


FORBIDDEN = KubeReadError(
    'reading the StorageClass list failed: 403 storageclasses.storage.k8s.io is forbidden: User "dev" cannot list',
    403,
)


def test_a_refused_read_is_a_problem_and_the_other_checks_still_run():
    result = Cluster(StorageClass=FORBIDDEN, GatewayClass=None).survey()
    assert result["problems"] == [
        "The StorageClasses could not be read with context team-staging (reading the StorageClass list failed: 403"
        ' storageclasses.storage.k8s.io is forbidden: User "dev" cannot list): the cluster\'s administrators can'
        " grant its user get and list on storageclasses (storage.k8s.io), cluster-wide.",
        "The Gateway API is not served by this cluster (no gateway.networking.k8s.io/v1): install its CRDs and a"
        " controller, or set sre_minikube_front_door: ingress.",
    ]
    assert result["default_storage_class"] is None


# (what fails, how, the start of the message; each names the context and the kubeconfig and what to check)
CONNECTION_FAILURES = [
    pytest.param(
        "connect",
        KubeClientError(
            "cannot load context team-staging from /home/dev/.kube/team: Expected key context team-staging in"
            " kube-config"
        ),
        "Cannot load context team-staging from /home/dev/.kube/team: Expected key context team-staging in"
        " kube-config. Check that /home/dev/.kube/team exists and holds context team-staging (`kubectl --kubeconfig"
        " /home/dev/.kube/team config get-contexts`) with current credentials (`kubectl --kubeconfig"
        " /home/dev/.kube/team --context team-staging get --raw /version` must answer), or set sre_minikube_context"
        " (and sre_minikube_kubeconfig) to the cluster's.",
        id="no-such-context",
    ),
    pytest.param(
        "connect",
        KubeClientError(
            "cannot reach the API server of context team-staging of /home/dev/.kube/team: Connection refused",
            unreachable=True,
            reason="Connection refused",
        ),
        "The API server of context team-staging in /home/dev/.kube/team does not answer (Connection refused). Check"
        " that the cluster is running and that this machine reaches its address (VPN, proxy, firewall): `kubectl"
        " --kubeconfig /home/dev/.kube/team --context team-staging get --raw /version` must answer.",
        id="server-down-as-the-client-is-made",
    ),
    pytest.param(
        "Version",
        KubeReadError("reading the server's /version failed: timed out"),
        "The API server of context team-staging in /home/dev/.kube/team does not answer (reading the server's"
        " /version failed: timed out). ",
        id="server-down-on-the-first-read",
    ),
    pytest.param(
        "StorageClass",
        KubeReadError("reading the StorageClass list failed: Connection reset by peer"),
        "The API server of context team-staging in /home/dev/.kube/team does not answer ",
        id="server-gone-on-a-later-read",
    ),
    pytest.param(
        "Version",
        KubeReadError("reading the server's /version failed: 401 Unauthorized", 401),
        "The API server of context team-staging in /home/dev/.kube/team refused its credentials (reading the"
        " server's /version failed: 401 Unauthorized). Log in to the cluster again so that the kubeconfig holds"
        " valid credentials: `kubectl --kubeconfig /home/dev/.kube/team --context team-staging get --raw /version`"
        " must answer.",
        id="credentials-refused",
    ),
]


@pytest.mark.parametrize(("what", "error", "message"), CONNECTION_FAILURES)
def test_a_cluster_that_cannot_be_asked(what, error, message):
    result = Cluster(**{what: error}).survey()
    assert result["failed"] is True
    assert result["msg"].startswith(message), result["msg"]
    assert "problems" not in result


def test_without_kubeconfig_and_context_the_message_names_the_defaults():
    error = KubeClientError("cannot reach the API server", unreachable=True)
    result = Cluster(connect=error).survey(kubeconfig=None, context=None)
    assert result["msg"].startswith(
        "The API server of the current context in the default kubeconfig ($K8S_AUTH_KUBECONFIG, $KUBECONFIG or"
        " ~/.kube/config) does not answer (cannot reach the API server). "
    )
    assert result["msg"].endswith("`kubectl get --raw /version` must answer.")
