# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which stage needs root and why: the one decision the privilege check play and tools/become_check.py share."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.filter import privileges as privilege_filters
from ansible_collections.sre.minikube.plugins.module_utils import privileges

STAGES = [
    # (ansible_run_tags, ansible_skip_tags, the stages that can need root)
    ([], [], ["install", "cluster", "dns"]),
    (["all"], [], ["install", "cluster", "dns"]),
    (["all"], ["dns"], ["install", "cluster"]),
    (["all"], ["cluster", "dns"], ["install"]),
    (["tagged"], [], ["install", "cluster", "dns"]),
    (["install", "cluster"], [], ["install", "cluster"]),
    (["build", "deploy", "dns"], [], ["dns"]),
    (["cluster"], [], ["cluster"]),
    (["deploy"], [], []),
    (["verify"], [], []),
    # clean is tagged never: only an explicit clean selects it, its dns part goes with --skip-tags dns.
    (["clean"], [], ["clean"]),
    (["clean"], ["dns"], []),
    (["clean"], ["clean"], []),
    (["all", "clean"], [], ["install", "cluster", "dns", "clean"]),
    (["install"], ["install"], []),
]


@pytest.mark.parametrize(("run", "skip", "expected"), STAGES)
def test_selected_stages(run, skip, expected):
    assert privileges.selected_stages(run, skip) == expected
    assert privilege_filters.root_stages(run, skip) == expected


INSTALL = "the install stage writes minikube into /usr/local/bin, which you cannot write"
DNS = "the dns stage writes the host's resolver configuration under /etc and reloads the resolver"
CLEAN = "the clean stage removes the host's resolver configuration under /etc and reloads the resolver"
TRUST = "the cluster stage adds the stack's local CA to the host's trusted certificates (sre_minikube_trust_ca)"
UNTRUST = "the clean stage removes the stack's local CA from the host's trusted certificates"

REASONS = [
    # (stages, the install directory is writable, dns_resolver_become, sre_minikube_trust_ca, reasons)
    (["install", "dns"], False, True, False, [INSTALL, DNS]),
    (["install", "dns"], True, True, False, [DNS]),
    (["install", "dns"], False, False, False, [INSTALL]),
    (["install", "dns"], True, False, False, []),
    (["install"], False, True, False, [INSTALL]),
    (["dns"], False, True, False, [DNS]),
    (["clean"], False, True, False, [CLEAN]),
    (["clean"], False, False, False, []),
    (["install", "dns", "clean"], False, True, False, [INSTALL, DNS, CLEAN]),
    ([], False, True, False, []),
    # Trusting the local CA: the cluster stage adds it, the clean stage removes it; root only then.
    (["install", "cluster"], True, True, False, []),
    (["install", "cluster"], True, True, True, [TRUST]),
    (["install", "cluster", "dns", "clean"], False, True, True, [INSTALL, TRUST, DNS, CLEAN, UNTRUST]),
    (["clean"], True, False, True, [UNTRUST]),
    (["dns"], True, True, True, [DNS]),
]


@pytest.mark.parametrize(("stages", "writable", "dns_become", "trust_ca", "expected"), REASONS)
def test_root_reasons(stages, writable, dns_become, trust_ca, expected):
    assert privileges.root_reasons(stages, "/usr/local/bin", writable, dns_become, trust_ca) == expected
    assert privilege_filters.root_reasons(stages, "/usr/local/bin", writable, dns_become, trust_ca) == expected


def test_the_filter_reads_a_string_as_ansible_does():
    # dns_resolver_become comes from YAML, inventory or -e: "false" is false.
    assert privilege_filters.root_reasons(["dns"], "/bin", True, "false") == []
    assert privilege_filters.root_reasons(["dns"], "/bin", True, "yes") == [DNS]
    assert privilege_filters.root_reasons(["cluster"], "/bin", True, True, "false") == []
    assert privilege_filters.root_reasons(["cluster"], "/bin", True, True, "true") == [TRUST]


ACCESS = [
    # (uid, writable paths, path, nearest, writable)
    (0, set(), "/usr/local/bin", "/usr/local/bin", True),
    (1000, set(), "/usr/local/bin", "/usr/local/bin", False),
    (1000, {"/usr/local/bin"}, "/usr/local/bin/", "/usr/local/bin", True),
    (1000, {"/usr"}, "/usr/local/bin/nope/deeper", "/usr/local/bin", False),
]


@pytest.mark.parametrize(("uid", "writable", "path", "nearest", "expected"), ACCESS)
def test_write_access(monkeypatch, uid, writable, path, nearest, expected):
    existing = {"/", "/usr", "/usr/local", "/usr/local/bin"}
    monkeypatch.setattr(privileges.os.path, "exists", existing.__contains__)
    found = privileges.write_access(path, uid, writable=writable.__contains__)
    assert found == {"uid": uid, "root": uid == 0, "path": path, "nearest": nearest, "writable": expected}


def test_only_a_directory_is_written_into(tmp_path):
    (tmp_path / "file").write_text("")
    assert privileges.can_write(str(tmp_path)) is True
    assert privileges.can_write(str(tmp_path / "file")) is False
    assert privileges.can_write(str(tmp_path / "missing")) is False
