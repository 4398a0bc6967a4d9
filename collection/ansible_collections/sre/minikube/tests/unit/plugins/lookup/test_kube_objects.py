# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_objects: each named object through one client, {} for a missing one, and the refusals."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible_collections.sre.minikube.plugins.lookup import kube_objects
from ansible_collections.sre.minikube.plugins.module_utils import kube_client, kube_read
from ansible_collections.sre.minikube.tests.unit.plugins.loaded_lookup import loaded_lookup

CRD = {"kind": "CustomResourceDefinition", "name": "referencegrants.gateway.networking.k8s.io"}
COREDNS = {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}


@pytest.fixture
def cluster(monkeypatch):
    """The objects the fake API server holds, by (kind, namespace, name); the clients made and the reads asked."""
    held = {}
    asked = {"clients": [], "reads": []}

    def api_client(kubeconfig=None, context=None):
        asked["clients"].append((kubeconfig, context))
        return "client"

    def read(client, kind, namespace=None, name=None):
        asked["reads"].append((client, kind, namespace, name))
        if kind == "Node":
            raise kube_read.KubeReadError("reading Node n failed: 403 forbidden")
        return held.get((kind, namespace, name))

    monkeypatch.setattr(kube_client, "api_client", api_client)
    monkeypatch.setattr(kube_read, "read", read)
    return held, asked


def run(*terms, **options):
    return loaded_lookup(kube_objects, "sre.minikube.kube_objects").run(list(terms), **options)


def test_each_object_is_read_through_one_client_and_a_missing_one_is_empty(cluster):
    held, asked = cluster
    held[("Deployment", "kube-system", "coredns")] = {"kind": "Deployment", "metadata": {"name": "coredns"}}

    found = run(CRD, COREDNS, context="sre-minikube")

    assert found == [{}, {"kind": "Deployment", "metadata": {"name": "coredns"}}]
    assert asked["clients"] == [(None, "sre-minikube")]
    assert [r[1:] for r in asked["reads"]] == [
        ("CustomResourceDefinition", None, CRD["name"]),
        ("Deployment", "kube-system", "coredns"),
    ]


@pytest.mark.parametrize(
    ("term", "says"),
    [
        pytest.param({"kind": "Secret", "name": "s"}, "each term is a dict with a kind of", id="unknown-kind"),
        pytest.param({"kind": "Deployment"}, "each term is a dict with a kind of", id="no-name"),
        pytest.param("coredns", "each term is a dict with a kind of", id="not-a-dict"),
        pytest.param({"kind": "Node", "name": "n"}, "403 forbidden", id="refused-read"),
    ],
)
def test_a_bad_term_or_a_refused_read_fails_naming_it(cluster, term, says):
    with pytest.raises(AnsibleLookupError, match=says):
        run(term)
