"""The cluster stage's local CA and the test domain's certificate (roles/cluster_addons/tasks/tls.yml), for real.

Each case runs the role's TLS tasks on localhost with community.crypto into a temporary sre_minikube_ca_dir and
reads what they wrote with cryptography: the CA is created once (directory 0700, keys 0600) and never again; the
server certificate names the test domain and the ingress host and is issued again when it is not the CA's or ends
within the renewal window; a second run and a check-mode run change nothing; no key reaches the output, even with
-v. Trusting the CA on Linux (sre_minikube_trust_ca) and removing it (the clean stage's untrust.yml) run against a
stand-in update-ca-certificates and a temporary anchor directory.
"""

from __future__ import annotations

import datetime
import os
import pathlib
import re
import stat
import subprocess
import sys

import local_playbook
import pytest
import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TOP = pathlib.Path(__file__).resolve().parent.parent
NOW = datetime.datetime.now(datetime.UTC)
HOST = "invoice-app.test"

PLAY = """
- name: The cluster stage's TLS tasks
  hosts: localhost
  gather_facts: false
  vars_files: [input.yml]
  tasks:
    - name: Create the CA and the certificate
      ansible.builtin.include_role:
        name: cluster_addons
        tasks_from: {tasks}
"""


def run(tmp: pathlib.Path, *options: str, tasks: str = "tls.yml", **settings) -> subprocess.CompletedProcess:
    variables = {
        "sre_minikube_ca_dir": str(tmp / "config" / "ca"),
        "sre_minikube_domain": "test",
        "sre_minikube_ingress_host": HOST,
        "sre_minikube_profile": "sre-minikube",
        "sre_minikube_trust_ca": False,
        "cluster_addons_trust_anchor_dir": str(tmp / "anchors"),
        # The tests run as root, without sudo.
        "ansible_become": False,
        **settings,
    }
    workdir = tmp / "work"
    workdir.mkdir(exist_ok=True)
    (workdir / "input.yml").write_text(yaml.safe_dump(variables))
    (workdir / "play.yml").write_text(PLAY.format(tasks=tasks))
    env = local_playbook.ansible_env(
        ANSIBLE_ROLES_PATH=str(TOP / "roles"),
        ANSIBLE_COLLECTIONS_PATH=str(TOP / "collection"),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        PATH=f"{tmp / 'bin'}{os.pathsep}{os.environ['PATH']}",
    )
    return subprocess.run(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", "play.yml", *options],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def changed(result: subprocess.CompletedProcess) -> int:
    assert result.returncode == 0, result.stdout + result.stderr
    recap = re.search(r"^localhost\s+: ok=\d+\s+changed=(\d+)", result.stdout, re.MULTILINE)
    assert recap, result.stdout
    return int(recap.group(1))


def ca_dir(tmp: pathlib.Path) -> pathlib.Path:
    return tmp / "config" / "ca"


def load(path: pathlib.Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def names(cert: x509.Certificate) -> list[str]:
    return sorted(
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    )


def mode(path: pathlib.Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def replant(folder: pathlib.Path, days: int, by_the_ca: bool) -> bytes:
    """The role's certificate made again with another end, signed by the CA or by a CA of its own; PEM."""
    issued = load(folder / "test.crt")
    if by_the_ca:
        issuer = load(folder / "ca.crt").subject
        signer = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), None)
    else:
        issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "another CA")])
        signer = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(issued.subject)
        .issuer_name(issuer)
        .public_key(issued.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=days))
    )
    for extension in issued.extensions:
        builder = builder.add_extension(extension.value, critical=extension.critical)
    return builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def test_created_once_private_and_unchanged_on_the_next_runs(tmp_path):
    first = run(tmp_path, "-v")
    assert changed(first) > 0
    folder = ca_dir(tmp_path)
    assert mode(folder) == 0o700
    assert {p.name for p in folder.iterdir()} == {"ca.crt", "ca.key", "test.crt", "test.key"}
    assert mode(folder / "ca.key") == 0o600
    assert mode(folder / "test.key") == 0o600
    ca, cert = load(folder / "ca.crt"), load(folder / "test.crt")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.not_valid_after_utc - NOW > datetime.timedelta(days=3640)
    assert issued_by(cert, ca)
    assert names(cert) == sorted(["*.test", "test", HOST])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    again = run(tmp_path, "-v")
    check = run(tmp_path, "--check", "--diff")

    assert changed(again) == 0
    assert changed(check) == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # No key in what the runs print: neither its PEM, nor the line that holds its secret (the PEM's last lines
    # hold the public key, which the certificates show), nor the secret in hex.
    for output in (first.stdout + first.stderr, again.stdout + again.stderr):
        assert "PRIVATE KEY" not in output
        for key in ("ca.key", "test.key"):
            pem = (folder / key).read_bytes()
            assert pem.decode().splitlines()[1] not in output
            secret = serialization.load_pem_private_key(pem, None).private_numbers().private_value
            assert f"{secret:x}" not in output.replace(":", "").lower()


def test_check_mode_on_a_new_machine_reports_the_change_and_writes_nothing(tmp_path):
    result = run(tmp_path, "--check")

    assert changed(result) > 0
    assert f"A real run creates {ca_dir(tmp_path)}/ca.crt, {ca_dir(tmp_path)}/ca.key" in result.stdout
    assert not ca_dir(tmp_path).exists()


@pytest.mark.parametrize(
    ("signed_by_the_ca", "days", "replaced"),
    [(False, 300, True), (True, 10, True), (True, 300, False)],
    ids=["issued by another CA", "the CA's, ending within 30 days", "the CA's, valid long enough"],
)
def test_the_certificate_is_issued_again_only_when_not_the_cas_or_ending(tmp_path, signed_by_the_ca, days, replaced):
    changed(run(tmp_path))
    folder = ca_dir(tmp_path)
    ca_before = (folder / "ca.crt").read_bytes()
    planted = replant(folder, days, signed_by_the_ca)
    (folder / "test.crt").write_bytes(planted)

    result = run(tmp_path)

    assert changed(result) == (1 if replaced else 0)
    assert ((folder / "test.crt").read_bytes() != planted) is replaced
    assert issued_by(load(folder / "test.crt"), load(folder / "ca.crt"))
    # The CA itself is never made again.
    assert (folder / "ca.crt").read_bytes() == ca_before


def test_a_ca_certificate_without_its_key_stops_the_run(tmp_path):
    changed(run(tmp_path))
    (ca_dir(tmp_path) / "ca.key").unlink()

    result = run(tmp_path)

    assert result.returncode != 0
    assert f"its key {ca_dir(tmp_path)}/ca.key is not" in result.stdout


def stand_in_update_tool(tmp: pathlib.Path) -> pathlib.Path:
    calls = tmp / "update-calls.log"
    tool = tmp / "bin" / "update-ca-certificates"
    tool.parent.mkdir(exist_ok=True)
    tool.write_text(f'#!/bin/sh\necho "update-ca-certificates $*" >> {calls}\n')
    tool.chmod(0o755)
    return calls


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux system store")
def test_trust_on_linux_is_added_once_and_removed_by_untrust(tmp_path):
    calls = stand_in_update_tool(tmp_path)
    (tmp_path / "anchors").mkdir()
    anchor = tmp_path / "anchors" / "sre-minikube-sre-minikube.crt"

    first = run(tmp_path, sre_minikube_trust_ca=True)
    again = run(tmp_path, sre_minikube_trust_ca=True)

    assert changed(first) > 0
    assert changed(again) == 0
    assert anchor.read_bytes() == (ca_dir(tmp_path) / "ca.crt").read_bytes()
    assert calls.read_text().splitlines() == ["update-ca-certificates "]

    removed = run(tmp_path, tasks="untrust.yml")
    nothing_left = run(tmp_path, tasks="untrust.yml")

    assert changed(removed) == 2
    assert changed(nothing_left) == 0
    assert not anchor.exists()
    assert calls.read_text().splitlines() == ["update-ca-certificates ", "update-ca-certificates "]
    # The CA stays: only the clean stage's purge deletes it.
    assert (ca_dir(tmp_path) / "ca.crt").exists()


def test_the_clean_stage_untrusts_the_ca_and_deletes_it_only_with_purge():
    tasks = yaml.safe_load((TOP / "playbooks" / "clean.yml").read_text())[0]["tasks"]
    untrust = [
        i
        for i, task in enumerate(tasks)
        if task.get("ansible.builtin.include_role") == {"name": "cluster_addons", "tasks_from": "untrust.yml"}
    ]
    remove = [
        i
        for i, task in enumerate(tasks)
        if (task.get("ansible.builtin.file") or {}).get("path") == "{{ sre_minikube_ca_dir | expanduser }}"
    ]

    assert len(untrust) == 1
    assert len(remove) == 1
    # The trust entry goes on every clean, whatever sre_minikube_trust_ca says now; the CA only with the purge,
    # after its trust entry.
    assert "when" not in tasks[untrust[0]]
    assert tasks[remove[0]]["ansible.builtin.file"]["state"] == "absent"
    assert tasks[remove[0]]["when"] == "sre_minikube_purge | bool"
    assert untrust[0] < remove[0]
