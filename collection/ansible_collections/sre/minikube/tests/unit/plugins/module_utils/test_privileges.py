# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which stage needs root and why: the one decision the privilege check play and tools/become_check.py share."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.filter import privileges as privilege_filters
from ansible_collections.sre.minikube.plugins.module_utils import privileges

STAGES = [
    # (ansible_run_tags, ansible_skip_tags, the stages that can need root)
    ([], [], ["install", "dns"]),
    (["all"], [], ["install", "dns"]),
    (["all"], ["dns"], ["install"]),
    (["tagged"], [], ["install", "dns"]),
    (["install", "cluster"], [], ["install"]),
    (["build", "deploy", "dns"], [], ["dns"]),
    (["cluster"], [], []),
    (["deploy"], [], []),
    (["verify"], [], []),
    # clean is tagged never: only an explicit clean selects it, its dns part goes with --skip-tags dns.
    (["clean"], [], ["clean"]),
    (["clean"], ["dns"], []),
    (["clean"], ["clean"], []),
    (["all", "clean"], [], ["install", "dns", "clean"]),
    (["install"], ["install"], []),
]


@pytest.mark.parametrize(("run", "skip", "expected"), STAGES)
def test_selected_stages(run, skip, expected):
    assert privileges.selected_stages(run, skip) == expected
    assert privilege_filters.root_stages(run, skip) == expected


INSTALL = "the install stage writes minikube into /usr/local/bin, which you cannot write"
DNS = "the dns stage writes the host's resolver configuration under /etc and reloads the resolver"
CLEAN = "the clean stage removes the host's resolver configuration under /etc and reloads the resolver"

REASONS = [
    # (stages, the install directory is writable, dns_resolver_become, reasons)
    (["install", "dns"], False, True, [INSTALL, DNS]),
    (["install", "dns"], True, True, [DNS]),
    (["install", "dns"], False, False, [INSTALL]),
    (["install", "dns"], True, False, []),
    (["install"], False, True, [INSTALL]),
    (["dns"], False, True, [DNS]),
    (["clean"], False, True, [CLEAN]),
    (["clean"], False, False, []),
    (["install", "dns", "clean"], False, True, [INSTALL, DNS, CLEAN]),
    ([], False, True, []),
]


@pytest.mark.parametrize(("stages", "writable", "dns_become", "expected"), REASONS)
def test_root_reasons(stages, writable, dns_become, expected):
    assert privileges.root_reasons(stages, "/usr/local/bin", writable, dns_become) == expected
    assert privilege_filters.root_reasons(stages, "/usr/local/bin", writable, dns_become) == expected


def test_the_filter_reads_a_string_as_ansible_does():
    # dns_resolver_become comes from YAML, inventory or -e: "false" is false.
    assert privilege_filters.root_reasons(["dns"], "/bin", True, "false") == []
    assert privilege_filters.root_reasons(["dns"], "/bin", True, "yes") == [DNS]


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
