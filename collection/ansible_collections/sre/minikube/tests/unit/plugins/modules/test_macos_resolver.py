# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import grp
import os
import pwd
import stat

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.plugins.modules import macos_resolver
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

CONTENT_CASES = [
    pytest.param(
        {"domain": "test", "nameservers": ["192.168.49.2"], "search_order": 1, "timeout": 5},
        "domain test\nnameserver 192.168.49.2\nsearch_order 1\ntimeout 5\n",
        id="all-settings",
    ),
    pytest.param(
        {"domain": "test", "nameservers": ["192.168.49.2"]},
        "domain test\nnameserver 192.168.49.2\n",
        id="only-required",
    ),
    pytest.param(
        {"domain": "Apps.Test.", "nameservers": ["10.0.0.1", "fd00:0:0::53"], "timeout": 2},
        "domain apps.test\nnameserver 10.0.0.1\nnameserver fd00::53\ntimeout 2\n",
        id="normalised-domain-and-ipv6",
    ),
    pytest.param(
        {"domain": "test", "nameservers": ["127.0.0.1"], "search_order": 0},
        "domain test\nnameserver 127.0.0.1\nsearch_order 0\n",
        id="search-order-zero",
    ),
]

BAD_INPUT_CASES = [
    pytest.param({"domain": "local"}, "multicast DNS", id="local"),
    pytest.param({"domain": "localhost"}, "loopback", id="localhost"),
    pytest.param({"domain": "printer.local"}, "multicast DNS", id="subdomain-of-local"),
    pytest.param({"domain": "-bad.test"}, "domain='-bad.test' breaks the rule dns_name", id="leading-hyphen"),
    pytest.param({"domain": "under_score"}, "breaks the rule dns_name", id="underscore"),
    pytest.param({"domain": "a" * 64}, "breaks the rule dns_name", id="label-too-long"),
    pytest.param({"domain": "a..test"}, "breaks the rule dns_name", id="empty-label"),
    pytest.param({"domain": " "}, "domain=' ' breaks the rule dns_name", id="blank-domain"),
    pytest.param({"domain": "a\n.b"}, "domain='a\\n.b' breaks the rule dns_name", id="domain-with-a-line-break"),
    pytest.param({"domain": "test\n"}, "domain='test\\n' breaks the rule dns_name", id="domain-trailing-newline"),
    pytest.param({"domain": "te st"}, "breaks the rule dns_name", id="domain-with-a-space"),
    pytest.param({"nameservers": ["not-an-ip"]}, "nameservers[0]='not-an-ip' breaks the rule", id="not-an-ip"),
    pytest.param(
        {"nameservers": ["192.168.49.2", "999.1.1.1"]}, "nameservers[1]='999.1.1.1' breaks the rule", id="second-bad"
    ),
    pytest.param(
        {"nameservers": ["fe80::1%x\nnameserver 6.6.6.6"]},
        "nameservers[0]='fe80::1%x\\nnameserver 6.6.6.6' breaks the rule ip_address",
        id="scope-id-with-an-injected-line",
    ),
    pytest.param({"nameservers": ["fe80::1%en0"]}, "without a zone", id="scope-id"),
    pytest.param({"nameservers": ["10.0.0.1\n"]}, "nameservers[0]='10.0.0.1\\n' breaks", id="address-newline"),
    pytest.param({"nameservers": [" 10.0.0.1"]}, "nameservers[0]=' 10.0.0.1' breaks", id="address-with-a-space"),
    pytest.param({"nameservers": []}, "at least one", id="no-nameservers"),
    pytest.param({"timeout": 0}, "timeout must be a whole number greater than 0", id="timeout-zero"),
    pytest.param({"timeout": -3}, "timeout must be a whole number greater than 0", id="timeout-negative"),
    pytest.param({"search_order": -1}, "search_order must be a whole number of 0 or more", id="search-order-negative"),
    pytest.param({"name": "../evil"}, "name='../evil' breaks the rule file_name", id="name-with-slash"),
    pytest.param({"name": ".."}, "breaks the rule file_name", id="name-dotdot"),
    pytest.param({"name": "minikube-test\n"}, "name='minikube-test\\n' breaks the rule file_name", id="name-newline"),
    pytest.param({"owner": "no-such-user"}, "owner='no-such-user' is not a user of this host", id="unknown-owner"),
    pytest.param({"group": "no-such-group"}, "group='no-such-group' is not a group of this host", id="unknown-group"),
    pytest.param({"domain": None}, "domain", id="missing-domain"),
    pytest.param({"nameservers": None}, "nameservers", id="missing-nameservers"),
]


@pytest.fixture
def resolver_dir(tmp_path):
    return tmp_path / "resolver"


def args_for(resolver_dir, **overrides):
    args = {
        "name": "minikube-test",
        "domain": "test",
        "nameservers": ["192.168.49.2"],
        "search_order": 1,
        "timeout": 5,
        "path": str(resolver_dir),
    }
    args.update(overrides)
    return {key: value for key, value in args.items() if value is not None}


def absent_args(resolver_dir):
    return {"name": "minikube-test", "state": "absent", "path": str(resolver_dir)}


@pytest.mark.parametrize(("options", "expected"), CONTENT_CASES)
def test_writes_exact_content(patched_module, resolver_dir, options, expected):
    args = {"name": "minikube-test", "path": str(resolver_dir), **options}

    result, failed = run_module(macos_resolver.main, args)

    assert not failed and result["changed"] is True
    target = resolver_dir / "minikube-test"
    assert target.read_text() == expected
    assert result["content"] == expected
    assert result["path"] == str(target)
    assert stat.S_IMODE(resolver_dir.stat().st_mode) == 0o755


@pytest.mark.parametrize(("options", "expected"), CONTENT_CASES)
def test_second_run_changes_nothing(patched_module, resolver_dir, options, expected):
    args = {"name": "minikube-test", "path": str(resolver_dir), **options}
    run_module(macos_resolver.main, args)
    before = (resolver_dir / "minikube-test").stat()

    result, failed = run_module(macos_resolver.main, args)

    assert not failed and result["changed"] is False
    after = (resolver_dir / "minikube-test").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_new_file_is_world_readable(patched_module, resolver_dir):
    run_module(macos_resolver.main, args_for(resolver_dir))

    assert stat.S_IMODE((resolver_dir / "minikube-test").stat().st_mode) == 0o644


def test_mode_is_applied_and_then_stable(patched_module, resolver_dir):
    first = run_module(macos_resolver.main, args_for(resolver_dir, mode="0640"))[0]
    second = run_module(macos_resolver.main, args_for(resolver_dir, mode="0640"))[0]

    assert first["changed"] is True and second["changed"] is False
    assert stat.S_IMODE((resolver_dir / "minikube-test").stat().st_mode) == 0o640


def test_check_mode_writes_nothing(patched_module, resolver_dir):
    result, failed = run_module(macos_resolver.main, {**args_for(resolver_dir), "_ansible_check_mode": True})

    assert not failed and result["changed"] is True
    assert not resolver_dir.exists()


def test_check_mode_on_a_current_file_reports_no_change(patched_module, resolver_dir):
    run_module(macos_resolver.main, args_for(resolver_dir))

    result = run_module(macos_resolver.main, {**args_for(resolver_dir), "_ansible_check_mode": True})[0]

    assert result["changed"] is False


def test_diff_shows_before_and_after(patched_module, resolver_dir):
    run_module(macos_resolver.main, args_for(resolver_dir))
    args = {**args_for(resolver_dir, nameservers=["192.168.58.2"]), "_ansible_diff": True}

    result = run_module(macos_resolver.main, args)[0]

    assert result["changed"] is True
    assert result["diff"]["before"] == "domain test\nnameserver 192.168.49.2\nsearch_order 1\ntimeout 5\n"
    assert result["diff"]["after"] == "domain test\nnameserver 192.168.58.2\nsearch_order 1\ntimeout 5\n"


def test_no_diff_without_a_change(patched_module, resolver_dir):
    run_module(macos_resolver.main, args_for(resolver_dir))

    result = run_module(macos_resolver.main, {**args_for(resolver_dir), "_ansible_diff": True})[0]

    assert "diff" not in result


def test_replaces_a_foreign_file_atomically(patched_module, resolver_dir):
    resolver_dir.mkdir()
    target = resolver_dir / "minikube-test"
    target.write_text("nameserver 8.8.8.8\nport 5353\n")
    old_inode = target.stat().st_ino

    result = run_module(macos_resolver.main, args_for(resolver_dir))[0]

    assert result["changed"] is True
    assert target.read_text() == "domain test\nnameserver 192.168.49.2\nsearch_order 1\ntimeout 5\n"
    assert target.stat().st_ino != old_inode
    assert sorted(os.listdir(resolver_dir)) == ["minikube-test"]


def test_failed_move_keeps_the_old_file_and_no_temp_file(patched_module, resolver_dir, monkeypatch):
    resolver_dir.mkdir()
    target = resolver_dir / "minikube-test"
    target.write_text("domain test\nnameserver 10.9.9.9\n")

    def broken_move(self, src, dest, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(basic.AnsibleModule, "atomic_move", broken_move)
    with pytest.raises(OSError, match="disk full"):
        run_module(macos_resolver.main, args_for(resolver_dir))

    assert target.read_text() == "domain test\nnameserver 10.9.9.9\n"
    assert sorted(os.listdir(resolver_dir)) == ["minikube-test"]


def test_absent_removes_only_the_named_file(patched_module, resolver_dir):
    run_module(macos_resolver.main, args_for(resolver_dir))
    (resolver_dir / "other-domain").write_text("domain example\nnameserver 10.0.0.1\n")

    result, failed = run_module(macos_resolver.main, absent_args(resolver_dir))

    assert not failed and result["changed"] is True and result["content"] == ""
    assert sorted(os.listdir(resolver_dir)) == ["other-domain"]


def test_absent_when_missing_changes_nothing(patched_module, resolver_dir):
    result, failed = run_module(macos_resolver.main, absent_args(resolver_dir))

    assert not failed and result["changed"] is False


def test_absent_in_check_mode_keeps_the_file_and_diffs(patched_module, resolver_dir):
    run_module(macos_resolver.main, args_for(resolver_dir))
    args = {
        "name": "minikube-test",
        "state": "absent",
        "path": str(resolver_dir),
        "_ansible_check_mode": True,
        "_ansible_diff": True,
    }

    result = run_module(macos_resolver.main, args)[0]

    assert result["changed"] is True
    assert result["diff"]["after"] == ""
    assert result["diff"]["before"].startswith("domain test\n")
    assert (resolver_dir / "minikube-test").exists()


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT_CASES)
def test_bad_input_fails_before_writing(patched_module, resolver_dir, overrides, message):
    args = args_for(resolver_dir, **{key: value for key, value in overrides.items() if value is not None})
    for key in [key for key, value in overrides.items() if value is None]:
        args.pop(key)

    result, failed = run_module(macos_resolver.main, args)

    assert failed
    assert message in result["msg"]
    assert not resolver_dir.exists()


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT_CASES)
def test_bad_input_leaves_an_existing_file_alone(patched_module, resolver_dir, overrides, message):
    resolver_dir.mkdir()
    before = "domain test\nnameserver 10.9.9.9\n"
    (resolver_dir / "minikube-test").write_text(before)
    args = args_for(resolver_dir, **{key: value for key, value in overrides.items() if value is not None})
    for key in [key for key, value in overrides.items() if value is None]:
        args.pop(key)

    result, failed = run_module(macos_resolver.main, args)

    assert failed and message in result["msg"]
    assert sorted(os.listdir(resolver_dir)) == ["minikube-test"]
    assert (resolver_dir / "minikube-test").read_text() == before


@pytest.mark.parametrize(
    ("owner", "group"),
    [pytest.param(pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name, id="names"),
     pytest.param(str(os.getuid()), str(os.getgid()), id="numeric-ids")],
)  # fmt: skip
def test_an_existing_owner_and_group_are_accepted(patched_module, resolver_dir, owner, group):
    result, failed = run_module(macos_resolver.main, args_for(resolver_dir, owner=owner, group=group))

    assert not failed, result
    assert (resolver_dir / "minikube-test").stat().st_uid == os.getuid()


def test_a_rendered_file_with_a_line_too_many_is_not_written(patched_module, resolver_dir, monkeypatch):
    # Whatever got past the options' checks, the file is checked line by line before the write.
    def leaky_render(domain, nameservers, search_order=None, timeout=None):
        return f"domain {domain}\nnameserver {nameservers[0]}\nnameserver 6.6.6.6\n"

    monkeypatch.setattr(macos_resolver, "render", leaky_render)
    result, failed = run_module(macos_resolver.main, args_for(resolver_dir, search_order=None, timeout=None))

    assert failed and "would not hold exactly the lines domain, nameserver" in result["msg"]
    assert not resolver_dir.exists()
