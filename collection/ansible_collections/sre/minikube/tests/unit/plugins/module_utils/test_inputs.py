# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The named input rules: each takes its good values whole and refuses the rest, with a sentence naming both."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.filter.input_problems import input_problems
from ansible_collections.sre.minikube.plugins.module_utils.inputs import RULES, InputError, check, problem, problems

# rule, values it takes, values it refuses
RULE_CASES = [
    ("dns_label", ["invoice", "a", "x-1", "a" * 63], ["invoice\n", "Invoice", "-a", "a-", "a.b", "a" * 64, "", " a"]),
    ("dns_name", ["invoice-app.test", "test", "a.b.c"], ["test\n", "a..b", "A.test", "a .test", "a\n.b", "a" * 254]),
    ("host_name", ["invoice-app.test", "1a.test"], ["10.0.0.1", "1.2", "host\n"]),
    ("image_repository", ["invoice-app", "localhost:5000/dev/app"], ["app:1", "App", "app\n", "app@sha256:0"]),
    (
        "image_tag",
        ["abc123", "src-0000", "v1.2_3", "A"],
        ["abc123\n", "latest", "LATEST", "Latest", "", "-x", "x-", "a" * 64, "a b"],
    ),
    (
        "pinned_image",
        ["postgres:17.6@sha256:" + "0" * 64, "postgres:17.6", "postgres@sha256:" + "a" * 64],
        ["postgres", "postgres:latest", "postgres:latest@sha256:" + "0" * 64, "postgres:17.6\n"],
    ),
    (
        "image_reference",
        ["invoice-app:3f2a", "localhost:5000/a/b:1", "a@sha256:" + "0" * 64, "a:latest"],
        ["invoice-app", "a:b\n", "a:b c", "A:1", "a:-x"],
    ),
    ("image_digest", ["sha256:" + "0a" * 32], ["sha256:" + "0A" * 32, "sha256:abc", "md5:" + "0" * 64, "0" * 64]),
    ("registry", ["localhost:5000", "registry.local/team"], ["http://x", "x\n", "X"]),
    ("quantity", ["50m", "0.5", ".5", "64Mi", "1Gi", "2"], ["64Mi\n", "64 Mi", "-1", "64mb", ""]),
    (
        "ip_address",
        ["192.168.49.2", "fd00::53", "2001:DB8::1"],
        ["fe80::1%en0", "fe80::1%x\nnameserver 6.6.6.6", "10.0.0.1\n", " 10.0.0.1", "host", "", "1.2.3"],
    ),
    ("address", ["127.0.0.1", "::1", "localhost", "node.test"], ["fe80::1%lo", "localhost\n", "a b", "", "-x"]),
    ("file_name", ["minikube-test", "a.conf", ".x"], [".", "..", "a/b", "a\n", "a b", "", "a" * 256]),
    ("absolute_path", ["/etc/hosts", "/", "/srv/a b"], ["etc/hosts", "", "/etc/hosts\n", "/a\tb", "-x"]),
    (
        "interface_name",
        ["eth0", "br-1a2b3c4d5e6f", "mk-cluster", "wlp0s20f3"],
        ["eth0\n", "", "-eth0", "eth0:1", "a/b", "a b", "a" * 16, "lo\nx"],
    ),
    ("path", ["/usr/local/bin", "/Users/me/Application Support/x"], ["/a\n", "/a\x00b", "", "/a\tb"]),
    ("text", ["", "a b c", "x=y"], ["a\n", "\r", "a\x7f"]),
    ("word", ["docker", "/opt/cni.yaml", "a=b"], ["--driver=none", "-x", "a b", "a\n", ""]),
    ("flag", ["--extra-config=a=b c", "--force"], ["-f", "--", "--x\n", "--x=a\nb", "x"]),
    ("minikube_profile", ["sre-minikube", "Dev_1.x"], ["-p", "a b", "a\n", "", "a" * 64, ".x"]),
    ("kubernetes_version", ["v1.35.4", "1.35.4", "stable", "latest", "v1.35.0-rc.1"], ["v1.35", "v1.35.4\n", "x"]),
    ("kubernetes_minor", ["1.30", "v1.30", "1.9", "2.0"], ["1.30.1", "1", "1.30\n", "v1.x", "", " 1.30", "1.30+"]),
    ("config_key", ["postgres-password", "a.b_c"], ["a b", "a/b", "a\n", "", ".."]),
    ("env_name", ["PAYMENT_TIMEOUT", "_X"], ["1X", "A-B", "A\n", ""]),
    ("tunnel_setting", ["auto", "publish", "true", "false"], ["True", "yes", "auto\n", "", "on", "Publish"]),
    ("namespaced_name", ["ingress-nginx/controller"], ["ingress-nginx", "a/b/c", "a/b\n", "/b"]),
]


GOOD = [pytest.param(rule, value, id=f"{rule}-{value!r}") for rule, good, bad in RULE_CASES for value in good]
BAD = [pytest.param(rule, value, id=f"{rule}-{value!r}") for rule, good, bad in RULE_CASES for value in bad]


@pytest.mark.parametrize(("rule", "value"), GOOD)
def test_a_rule_takes_its_values(rule, value):
    assert problem("opt", value, rule) is None
    assert check("opt", value, rule) == value


@pytest.mark.parametrize(("rule", "value"), BAD)
def test_a_rule_refuses_the_rest_naming_the_option_and_the_rule(rule, value):
    sentence = problem("some_option", value, rule)
    assert sentence.startswith(f"some_option={value!r} breaks the rule {rule}: give ")
    with pytest.raises(InputError, match="some_option="):
        check("some_option", value, rule)


def test_every_rule_is_in_the_table():
    assert sorted(RULES) == sorted(case[0] for case in RULE_CASES)


@pytest.mark.parametrize("value", [None, True, ["a"], {"a": 1}])
def test_a_value_that_is_not_text_breaks_every_rule(value):
    assert problem("opt", value, "text") is not None


@pytest.mark.parametrize(("value", "rule"), [(2, "quantity"), (0.5, "quantity"), (123, "image_tag")])
def test_a_number_is_read_as_its_text(value, rule):
    assert problem("opt", value, rule) is None


def test_an_optional_value_may_be_empty():
    assert problem("opt", "", "dns_name", optional=True) is None
    assert "or leave it empty" in problem("opt", "a\n", "dns_name", optional=True)


def test_problems_of_a_list_of_checks():
    found = input_problems(
        [
            {"name": "app_deploy_namespace", "value": "invoice\n", "rule": "dns_label"},
            {"name": "app_deploy_ingress_host", "value": "invoice-app.test", "rule": "host_name"},
            {"name": "cluster_addons_addons", "value": ["ingress", "x y", "ingress-dns\n"], "rule": "dns_label",
             "elements": True},
            {"name": "image_build_build_args", "value": {"GOFLAGS": "x", "A B": "y"}, "rule": "env_name",
             "elements": True},
            {"name": "cluster_addons_extra_start_args", "value": "--force", "rule": "flag", "elements": True},
            {"name": "app_deploy_postgres_storage_class", "value": "", "rule": "dns_name", "optional": True},
        ]
    )  # fmt: skip
    assert found == [
        "app_deploy_namespace='invoice\\n' breaks the rule dns_label: give " + RULES["dns_label"].description + ".",
        "cluster_addons_addons[1]='x y' breaks the rule dns_label: give " + RULES["dns_label"].description + ".",
        "cluster_addons_addons[2]='ingress-dns\\n' breaks the rule dns_label: give "
        + RULES["dns_label"].description
        + ".",
        "image_build_build_args['A B']='A B' breaks the rule env_name: give " + RULES["env_name"].description + ".",
        "cluster_addons_extra_start_args='--force' must be a list.",
    ]


def test_an_unknown_rule_is_a_programming_error():
    with pytest.raises(KeyError, match="no input rule named 'nope'"):
        problems([{"name": "x", "value": "y", "rule": "nope"}])
