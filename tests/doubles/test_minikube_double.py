"""Tests of the minikube test double beyond the recorded contract.

The answers the real binary gives are held against the double by
tests/minikube_contract; these tests cover the double's own machinery (its
state, the control plane behind it, the knobs only it has) and the cases
that need a running cluster.

The first group needs neither a cluster nor Docker. The second starts one
real control plane through tests/harness/cluster.sh (module-scoped: started
once) and a local Docker engine; `make test-minikube-double` provides both.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DOUBLE = os.path.join(HERE, "bin", "minikube")
sys.path.insert(0, HERE)

import build_double  # noqa: E402
from minikube_double import images, kubeconfig, start  # noqa: E402

DOMAIN = images.DEFAULT_DOMAIN


def run(env: dict, *args: str, extra_env: dict | None = None, path: str | None = None):
    full_env = dict(os.environ, **env, **(extra_env or {}))
    if path is not None:
        full_env["PATH"] = path
    return subprocess.run(
        [sys.executable, DOUBLE, *args], env=full_env, capture_output=True, text=True, check=False, timeout=600
    )


def commands(env: dict) -> list[dict]:
    with open(os.path.join(env["MINIKUBE_DOUBLE_STATE"], "commands.log"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture
def env(tmp_path):
    return {
        "MINIKUBE_DOUBLE_STATE": str(tmp_path / "state"),
        "KUBECONFIG": str(tmp_path / "kubeconfig"),
    }


# ---------------------------------------------------------------- no cluster needed


# What the real binary answers without a cluster (version, unknown profiles,
# start refusals) is held against the double by tests/minikube_contract.
# These are the double's own checks that have no recording.


@pytest.mark.parametrize(
    "args, code, reason",
    [
        (["start", "--driver=docker", f"--cpus={(os.cpu_count() or 1) + 1}"], 29, "RSRC_INSUFFICIENT_CORES"),
        (["start", "--driver=docker", "--memory=100000g"], 23, "RSRC_OVER_ALLOC_MEM"),
    ],
)
def test_rejected_start_leaves_no_profile(env, args, code, reason):
    result = run(env, *args)
    assert result.returncode == code
    assert reason in result.stderr
    assert run(env, "profile", "list", "--output=json").stdout.strip() == '{"invalid":[],"valid":[]}'


def test_every_invocation_is_logged(env):
    run(env, "version", "--short")
    run(env, "-p", "ghost", "ip")
    log = commands(env)
    assert [(c["argv"], c["profile"], c["exit"]) for c in log] == [
        (["version", "--short"], "minikube", 0),
        (["-p", "ghost", "ip"], "ghost", 85),
    ]


@pytest.mark.parametrize(
    "reference, expected",
    [
        ("invoice-app:3f2a", f"{DOMAIN}/library/invoice-app:3f2a"),
        ("invoice-app", f"{DOMAIN}/library/invoice-app:latest"),
        ("team/app:1", f"{DOMAIN}/team/app:1"),
        ("localhost/app:1", "localhost/app:1"),
        ("registry.example:5000/app:1", "registry.example:5000/app:1"),
        ("127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app:latest"),
    ],
)
def test_image_names_are_normalised_like_containerd(reference, expected):
    assert images.normalise_image(reference) == expected


@pytest.mark.parametrize(
    "value, mib",
    [("4096", 4096), ("4096mb", 4096), ("4g", 4096), ("2GB", 2048), ("bogus", None)],
)
def test_memory_values(value, mib):
    assert start.parse_memory(value) == mib


# ---------------------------------------------------------------- profiles without a control plane


def seed(env, profile, *flags):
    return run(env, "-p", profile, "double-seed", *flags)


@pytest.mark.parametrize(
    "flags, args, code, stdout",
    [
        (["--driver=vfkit", "--ip=192.168.49.2"], ["ip"], 0, "192.168.49.2\n"),
        (["--status=Stopped"], ["ip"], 83, "\n\n"),
        (["--ip=10.1.2.3"], ["status", "--output=json"], 4, None),
        (["--status=Stopped"], ["status", "--output=json"], 7, None),
        (["--driver=vfkit"], ["delete"], 0, None),
    ],
)
def test_seeded_profile_answers_without_a_control_plane(env, flags, args, code, stdout):
    # No harness script at all: a seeded profile must not need one.
    no_harness = {"MINIKUBE_DOUBLE_CLUSTER_SCRIPT": "/nonexistent/cluster.sh"}
    assert seed(env, "seeded", *flags).returncode == 0
    result = run(env, "-p", "seeded", *args, extra_env=no_harness)
    assert result.returncode == code, result.stderr
    if stdout is not None:
        assert result.stdout == stdout


def test_seeded_profile_is_listed_with_its_driver_and_ip(env):
    seed(env, "seeded", "--driver=vfkit", "--ip=192.168.49.2")
    listed = json.loads(run(env, "profile", "list", "--output=json").stdout)["valid"]
    assert [(p["Name"], p["Status"], p["Config"]["Driver"], p["Config"]["Nodes"][0]["IP"]) for p in listed] == [
        ("seeded", "OK", "vfkit", "192.168.49.2")
    ]
    # Seeding again with another driver changes the profile; the same seed changes nothing.
    assert "already seeded" not in seed(env, "seeded", "--driver=docker", "--ip=192.168.49.2").stdout
    assert "already seeded" in seed(env, "seeded", "--driver=docker", "--ip=192.168.49.2").stdout
    listed = json.loads(run(env, "profile", "list", "--output=json").stdout)["valid"]
    assert listed[0]["Config"]["Driver"] == "docker"


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--driver=teleport"], "invalid choice"),
        (["--ip=192.168.49.2\nnameserver 6.6.6.6"], "not an IP address"),
        (["--status=Paused"], "invalid choice"),
    ],
)
def test_seed_refuses_bad_values(env, flags, message):
    result = seed(env, "seeded", *flags)
    assert result.returncode == 14
    assert message in result.stderr
    assert run(env, "profile", "list", "--output=json").stdout.strip() == '{"invalid":[],"valid":[]}'


def test_seed_does_not_overwrite_a_profile_with_a_control_plane(env):
    started = os.path.join(env["MINIKUBE_DOUBLE_STATE"], "profiles")
    os.makedirs(started)
    with open(os.path.join(started, "real.json"), "w", encoding="utf-8") as handle:
        json.dump({"Name": "real", "Status": "Running", "Config": {}}, handle)
    result = seed(env, "real", "--driver=vfkit")
    assert result.returncode == 14
    assert "has a control plane" in result.stderr


# `node add` on a seeded profile records the node (no control plane to scale); the names and the memory are
# minikube's: m02 after the primary (whose own name is empty), and 2200 MB for the first node added to a
# one-node cluster unless minikube's memory setting is given.
NODE_ADDS = [
    # (MINIKUBE_MEMORY, the profile's memory afterwards)
    (None, 2200),
    ("4096", 4096),
]


@pytest.mark.parametrize(("memory", "after"), NODE_ADDS)
def test_node_add_records_a_worker(env, memory, after):
    no_harness = {"MINIKUBE_DOUBLE_CLUSTER_SCRIPT": "/nonexistent/cluster.sh"}
    seed(env, "seeded")
    extra = dict(no_harness, **({"MINIKUBE_MEMORY": memory} if memory else {}))
    result = run(env, "-p", "seeded", "node", "add", extra_env=extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "* Adding node m02 to cluster seeded as [worker]"
    assert result.stdout.splitlines()[-1] == "* Successfully added m02 to seeded!"
    (listed,) = json.loads(run(env, "profile", "list", "--output=json").stdout)["valid"]
    nodes = listed["Config"]["Nodes"]
    assert [(n["Name"], n["ControlPlane"], n["Worker"]) for n in nodes] == [("", True, True), ("m02", False, True)]
    assert listed["Config"]["Memory"] == after
    assert run(env, "-p", "seeded", "node", "add", extra_env=no_harness).returncode == 0
    (listed,) = json.loads(run(env, "profile", "list", "--output=json").stdout)["valid"]
    assert [n["Name"] for n in listed["Config"]["Nodes"]] == ["", "m02", "m03"]


def test_node_add_needs_a_running_cluster(env):
    seed(env, "seeded", "--status=Stopped")
    result = run(env, "-p", "seeded", "node", "add")
    assert result.returncode == 83
    (listed,) = json.loads(run(env, "profile", "list", "--output=json").stdout)["valid"]
    assert len(listed["Config"]["Nodes"]) == 1


# ---------------------------------------------------------------- the one-file build


def run_file(path, *args, env=None):
    return subprocess.run([str(path), *args], env=env, capture_output=True, text=True, check=False, timeout=60)


def test_one_file_build_is_reproducible_and_stamped(tmp_path):
    plain, stamped = tmp_path / "plain", tmp_path / "stamped"
    assert build_double.write(plain) is True
    assert build_double.write(plain) is False
    assert build_double.write(stamped, "v1.37.0") is True
    assert plain.read_bytes() != stamped.read_bytes()
    assert build_double.archive("v1.37.0") == stamped.read_bytes()
    assert os.access(stamped, os.X_OK)


@pytest.mark.parametrize(
    "release, args, stdout",
    [
        (None, ["version", "--short"], "v1.38.1\n"),
        ("v1.37.0", ["version", "--short"], "v1.37.0\n"),
        ("v1.39.1", ["version", "--output=json"], None),
        ("v1.39.1", ["version", "--output=yaml"], None),
    ],
)
def test_one_file_build_runs_outside_the_checkout(tmp_path, release, args, stdout):
    # Copied away from the repository, run with no state directory named: it
    # answers from what it packs, and leaves nothing in the home.
    binary = tmp_path / "elsewhere" / "minikube"
    build_double.write(binary, release)
    home = tmp_path / "home"
    home.mkdir()
    result = run_file(binary, *args, env={"PATH": os.environ["PATH"], "HOME": str(home)})
    assert result.returncode == 0, result.stderr
    expected = release or "v1.38.1"
    if stdout is not None:
        assert result.stdout == stdout
    elif "--output=json" in args:
        assert json.loads(result.stdout)["minikubeVersion"] == expected
    else:
        assert f"minikubeVersion: {expected}\n" in result.stdout
    assert os.listdir(home) == []


def test_one_file_build_serves_a_seeded_profile(tmp_path):
    binary = tmp_path / "minikube-double"
    build_double.write(binary)
    env = {"PATH": "/usr/bin:/bin", "MINIKUBE_DOUBLE_STATE": str(tmp_path / "state"), "HOME": str(tmp_path)}
    assert (
        run_file(binary, "-p", "sre-minikube", "double-seed", "--driver=vfkit", "--ip=192.168.49.2", env=env).returncode
        == 0
    )
    assert run_file(binary, "-p", "sre-minikube", "ip", env=env).stdout == "192.168.49.2\n"
    addons_list = run_file(binary, "-p", "sre-minikube", "addons", "list", "--output=json", env=env)
    assert "ingress-dns" in json.loads(addons_list.stdout)
    logged = [line["argv"][-1] for line in commands(env)]
    assert logged == ["--ip=192.168.49.2", "ip", "--output=json"]


# ---------------------------------------------------------------- with a real control plane


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("cluster")
    env = {"MINIKUBE_DOUBLE_STATE": str(base / "state"), "KUBECONFIG": str(base / "kubeconfig")}
    result = run(env, "start", "-p", "dbl", "--driver=docker", "--container-runtime=containerd", "--cni=calico")
    assert result.returncode == 0, result.stderr
    yield env
    run(env, "delete", "--all")


def kubectl(env, *args):
    return run(env, "-p", "dbl", "kubectl", "--", *args)


def test_status_running_json_exact(cluster):
    result = run(cluster, "status", "-p", "dbl", "--output=json")
    assert result.returncode == 0
    # No trailing newline, fields in minikube's order.
    assert result.stdout == (
        '{"Name":"dbl","Host":"Running","Kubelet":"Running","APIServer":"Running",'
        '"Kubeconfig":"Configured","Worker":false}'
    )


def test_profile_list_entry(cluster):
    document = json.loads(run(cluster, "profile", "list", "--output=json").stdout)
    assert document["invalid"] == []
    (entry,) = document["valid"]
    assert list(entry) == ["Name", "Status", "Config", "Active", "ActiveKubeContext"]
    assert entry["Name"] == "dbl"
    assert entry["Status"] == "OK"
    assert entry["ActiveKubeContext"] is True
    config = entry["Config"]
    assert config["Driver"] == "docker"
    assert config["KubernetesConfig"]["ContainerRuntime"] == "containerd"
    assert config["KubernetesConfig"]["CNI"] == "calico"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", config["KubernetesConfig"]["KubernetesVersion"])
    assert config["Nodes"][0]["IP"] == run(cluster, "-p", "dbl", "ip").stdout.strip()
    assert config["Addons"]["storage-provisioner"] is True


def test_node_add_scales_the_cluster_and_a_start_keeps_its_nodes(cluster):
    nodes = len(json.loads(kubectl(cluster, "get", "nodes", "-o", "json").stdout)["items"])
    result = run(cluster, "-p", "dbl", "node", "add")
    assert result.returncode == 0, result.stderr
    listed = json.loads(kubectl(cluster, "get", "nodes", "-o", "json").stdout)["items"]
    assert len(listed) == nodes + 1
    # minikube's labels: one primary node, whatever the count.
    primary = [node["metadata"]["labels"].get("minikube.k8s.io/primary") for node in listed]
    assert sorted(primary) == ["false"] * nodes + ["true"]
    # minikube keeps an existing cluster's nodes: --nodes on a restart warns and changes nothing.
    restart = run(cluster, "start", "-p", "dbl", "--driver=docker", "--container-runtime=containerd", "--nodes=4")
    assert restart.returncode == 0, restart.stderr
    assert "You cannot change the number of nodes for an existing minikube cluster" in restart.stderr
    (listed,) = json.loads(run(cluster, "profile", "list", "--output=json").stdout)["valid"]
    assert [n["Name"] for n in listed["Config"]["Nodes"]] == ["", "m02"]
    assert len(json.loads(kubectl(cluster, "get", "nodes", "-o", "json").stdout)["items"]) == nodes + 1


def test_addons_list_json(cluster):
    result = run(cluster, "addons", "list", "-p", "dbl", "--output=json")
    document = json.loads(result.stdout)
    assert list(document) == sorted(document)
    assert {"ingress", "ingress-dns", "default-storageclass", "storage-provisioner"} <= set(document)
    assert all(set(v) == {"Profile", "Status"} and v["Profile"] == "dbl" for v in document.values())
    assert document["default-storageclass"]["Status"] == "enabled"


def test_kubeconfig_context_named_after_profile(cluster):
    result = kubectl(cluster, "config", "current-context")
    assert result.stdout.strip() == "dbl"
    nodes = kubectl(cluster, "get", "nodes", "-o", "json")
    assert nodes.returncode == 0, nodes.stderr
    assert len(json.loads(nodes.stdout)["items"]) >= 1


def test_enable_ingress_applies_what_later_stages_need(cluster):
    result = run(cluster, "addons", "enable", "ingress", "-p", "dbl")
    assert result.returncode == 0, result.stderr
    ingress_class = json.loads(kubectl(cluster, "get", "ingressclass", "nginx", "-o", "json").stdout)
    assert ingress_class["spec"]["controller"] == "k8s.io/ingress-nginx"
    deployment = json.loads(
        kubectl(cluster, "-n", "ingress-nginx", "get", "deployment", "ingress-nginx-controller", "-o", "json").stdout
    )
    assert deployment["metadata"]["labels"]["app.kubernetes.io/name"] == "ingress-nginx"
    wait = kubectl(
        cluster,
        "-n",
        "ingress-nginx",
        "wait",
        "--for=condition=Available",
        "deployment/ingress-nginx-controller",
        "--timeout=120s",
    )
    assert wait.returncode == 0, wait.stderr
    listed = json.loads(run(cluster, "addons", "list", "-p", "dbl", "--output=json").stdout)
    assert listed["ingress"]["Status"] == "enabled"


def test_driver_mismatch_exits_81(cluster):
    result = run(cluster, "start", "-p", "dbl", "--driver=podman")
    assert result.returncode == 81
    assert "GUEST_DRIVER_MISMATCH" in result.stderr
    assert "minikube delete -p dbl" in result.stderr


def test_kubernetes_downgrade_exits_106(cluster):
    result = run(cluster, "start", "-p", "dbl", "--kubernetes-version=v1.30.0")
    assert result.returncode == 106
    assert "K8S_DOWNGRADE_UNSUPPORTED" in result.stderr


@pytest.fixture
def contexts(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /hello.txt\n")
    (good / "hello.txt").write_text("hello\n")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "Dockerfile").write_text("FROM scratch\nCOPY missing.txt /missing.txt\n")
    return good, bad


def image_tags(env) -> list[str]:
    result = run(env, "-p", "dbl", "image", "ls", "--format=json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    for item in document:
        assert set(item) == {"id", "repoDigests", "repoTags", "size"}
        assert item["id"].startswith("sha256:")
        assert item["size"].isdigit()
    return [tag for item in document for tag in item["repoTags"]]


def test_image_build_then_ls_and_rm(cluster, contexts):
    good, _ = contexts
    result = run(cluster, "-p", "dbl", "image", "build", "-t", "dbl-good:v1", str(good))
    assert result.returncode == 0, result.stderr
    assert f"{DOMAIN}/library/dbl-good:v1" in image_tags(cluster)
    assert run(cluster, "-p", "dbl", "image", "rm", "dbl-good:v1").returncode == 0
    assert f"{DOMAIN}/library/dbl-good:v1" not in image_tags(cluster)


def node_tags(env, node) -> list[str]:
    """The tags one node holds, asked inside it as minikube does."""
    result = run(env, "-p", "dbl", "ssh", "-n", node, "--", "sudo", "crictl", "images", "--output", "json")
    assert result.returncode == 0, result.stderr
    return [tag for item in json.loads(result.stdout)["images"] for tag in item["repoTags"]]


def test_an_image_is_built_on_the_primary_node_unless_every_node_is_asked(cluster, contexts):
    good, _ = contexts
    if len(json.loads(run(cluster, "profile", "list", "--output=json").stdout)["valid"][0]["Config"]["Nodes"]) < 2:
        assert run(cluster, "-p", "dbl", "node", "add").returncode == 0
    tag = f"{DOMAIN}/library/dbl-nodes:v1"
    assert run(cluster, "-p", "dbl", "image", "build", "-t", "dbl-nodes:v1", str(good)).returncode == 0
    # `image ls` merges the nodes' lists; each node's own list tells them apart.
    assert tag in image_tags(cluster)
    assert (tag in node_tags(cluster, "dbl"), tag in node_tags(cluster, "dbl-m02")) == (True, False)
    assert run(cluster, "-p", "dbl", "image", "build", "--all", "-t", "dbl-nodes:v1", str(good)).returncode == 0
    assert (tag in node_tags(cluster, "dbl"), tag in node_tags(cluster, "m02")) == (True, True)
    assert (
        run(cluster, "-p", "dbl", "ssh", "-n", "m09", "--", "sudo", "crictl", "images", "--output", "json").returncode
        == 80
    )
    assert run(cluster, "-p", "dbl", "image", "rm", "dbl-nodes:v1").returncode == 0


@pytest.mark.parametrize("exit_code", ["0", "3"])
def test_failed_image_build_exit_code_is_selectable(cluster, contexts, exit_code):
    _, bad = contexts
    result = run(
        cluster,
        "-p",
        "dbl",
        "image",
        "build",
        "-t",
        "dbl-bad:v1",
        str(bad),
        extra_env={"MINIKUBE_DOUBLE_BUILD_EXIT_CODE": exit_code},
    )
    assert result.returncode == int(exit_code)
    assert "missing.txt" in result.stderr
    assert not any(tag.endswith("/dbl-bad:v1") for tag in image_tags(cluster))


def test_update_context_repairs_the_kubeconfig(cluster):
    with open(cluster["KUBECONFIG"], encoding="utf-8") as handle:
        config = json.load(handle)
    config["contexts"] = [c for c in config["contexts"] if c["name"] != "dbl"]
    with open(cluster["KUBECONFIG"], "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    broken = run(cluster, "status", "-p", "dbl", "--output=json")
    assert broken.returncode == 4
    assert json.loads(broken.stdout)["Kubeconfig"] == "Misconfigured"
    assert run(cluster, "update-context", "-p", "dbl").returncode == 0
    assert run(cluster, "status", "-p", "dbl", "--output=json").returncode == 0


def test_stop_then_start_keeps_the_cluster(cluster):
    assert run(cluster, "stop", "-p", "dbl").returncode == 0
    stopped = run(cluster, "status", "-p", "dbl", "--output=json")
    assert stopped.returncode == 7
    assert stopped.stdout == (
        '{"Name":"dbl","Host":"Stopped","Kubelet":"Stopped","APIServer":"Stopped",'
        '"Kubeconfig":"Stopped","Worker":false}'
    )
    assert run(cluster, "-p", "dbl", "ip").returncode == 83
    assert run(cluster, "-p", "dbl", "image", "ls", "--format=json").stdout.strip() == "[]"
    listed = json.loads(run(cluster, "profile", "list", "--output=json").stdout)
    assert listed["valid"][0]["Status"] == "Stopped"

    assert run(cluster, "start", "-p", "dbl").returncode == 0
    assert run(cluster, "status", "-p", "dbl", "--output=json").returncode == 0
    again = kubectl(cluster, "get", "ingressclass", "nginx", "-o", "name")
    assert again.stdout.strip() == "ingressclass.networking.k8s.io/nginx"


OTHER_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: elsewhere
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: elsewhere
  context:
    cluster: elsewhere
    user: elsewhere
users:
- name: elsewhere
  user:
    token: not-a-secret
current-context: elsewhere
"""


def test_kubeconfig_yaml_is_read_without_pyyaml(tmp_path):
    path = tmp_path / "config"
    path.write_text(OTHER_KUBECONFIG)
    config = kubeconfig.kubeconfig_as_json(str(path))
    assert [c["name"] for c in config["contexts"]] == ["elsewhere"]


def test_start_and_delete_keep_the_users_other_contexts(tmp_path_factory):
    base = tmp_path_factory.mktemp("short-lived")
    env = {"MINIKUBE_DOUBLE_STATE": str(base / "state"), "KUBECONFIG": str(base / "kubeconfig")}
    (base / "kubeconfig").write_text(OTHER_KUBECONFIG)
    assert run(env, "start", "-p", "brief").returncode == 0
    config = kubeconfig.read_kubeconfig(env["KUBECONFIG"])
    assert sorted(c["name"] for c in config["contexts"]) == ["brief", "elsewhere"]
    assert config["current-context"] == "brief"
    assert run(env, "delete", "-p", "brief").returncode == 0
    assert run(env, "status", "-p", "brief", "--output=json").returncode == 85
    config = kubeconfig.read_kubeconfig(env["KUBECONFIG"])
    assert [c["name"] for c in config["contexts"]] == ["elsewhere"]
