"""Tests of runc-wrapper.py against a fake runc that records what it got.

Run with `python -m pytest tests/harness/runc-wrapper-test.py` (make
test-runc-wrapper). The wrapper must take CAP_SYS_RESOURCE out of the OCI
process it is handed (create/run: the bundle's config.json; exec: the
--process file), keep everything else, and always run the real runc with
the arguments unchanged.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

WRAPPER = Path(__file__).with_name("runc-wrapper.py")
ALL_SETS = ("bounding", "effective", "inheritable", "permitted", "ambient")


@pytest.fixture
def fake_runc(tmp_path):
    """A runc that writes its arguments to args.json."""
    script = tmp_path / "runc"
    script.write_text(
        "#!" + sys.executable + "\n"
        "import json, sys\n"
        f"json.dump(sys.argv[1:], open({str(tmp_path / 'args.json')!r}, 'w'))\n"
    )
    script.chmod(0o755)
    return script


def run(fake_runc, args, cwd=None):
    env = dict(os.environ, RUNC_WRAPPER_REAL=str(fake_runc))
    subprocess.run([sys.executable, str(WRAPPER), *args], check=True, env=env, cwd=cwd)
    return json.loads((fake_runc.parent / "args.json").read_text())


def process(caps):
    return {"args": ["sh"], "capabilities": {name: list(caps) for name in ALL_SETS}}


def bundle(tmp_path, caps, mode=0o600):
    directory = tmp_path / "bundle"
    directory.mkdir()
    config = directory / "config.json"
    config.write_text(json.dumps({"ociVersion": "1.0.2", "process": process(caps), "root": {"path": "rootfs"}}))
    config.chmod(mode)
    return directory, config


GLOBALS = ["--root", "/run/runc", "--log", "/tmp/log.json", "--log-format", "json", "--systemd-cgroup"]


@pytest.mark.parametrize(
    "command",
    [
        ["create", "--bundle", "{b}", "--pid-file", "p", "ctr"],
        ["create", "--bundle={b}", "ctr"],
        ["create", "-b", "{b}", "ctr"],
        ["run", "-bundle", "{b}", "--detach", "ctr"],
    ],
)
def test_create_and_run_drop_the_capability_from_the_bundle(tmp_path, fake_runc, command):
    directory, config = bundle(tmp_path, ["CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_KILL"], mode=0o640)
    args = GLOBALS + [part.replace("{b}", str(directory)) for part in command]
    assert run(fake_runc, args) == args
    spec = json.loads(config.read_text())
    for name in ALL_SETS:
        assert spec["process"]["capabilities"][name] == ["CAP_CHOWN", "CAP_KILL"]
    assert spec["root"] == {"path": "rootfs"}
    assert stat.S_IMODE(config.stat().st_mode) == 0o640


def test_create_without_bundle_uses_the_working_directory(tmp_path, fake_runc):
    directory, config = bundle(tmp_path, ["CAP_SYS_RESOURCE"])
    run(fake_runc, ["create", "ctr"], cwd=directory)
    assert json.loads(config.read_text())["process"]["capabilities"]["bounding"] == []


@pytest.mark.parametrize("option", [["--process", "{p}"], ["--process={p}"], ["-p", "{p}"]])
def test_exec_drops_the_capability_from_the_process_file(tmp_path, fake_runc, option):
    process_file = tmp_path / "process.json"
    process_file.write_text(json.dumps(process(["CAP_SYS_RESOURCE", "CAP_NET_RAW"])))
    args = GLOBALS + ["exec", *[part.replace("{p}", str(process_file)) for part in option], "--detach", "ctr"]
    assert run(fake_runc, args) == args
    assert json.loads(process_file.read_text())["capabilities"]["effective"] == ["CAP_NET_RAW"]


def test_a_spec_without_the_capability_is_not_rewritten(tmp_path, fake_runc):
    directory, config = bundle(tmp_path, ["CAP_CHOWN"])
    before = config.read_text()
    os.utime(config, (1, 1))
    run(fake_runc, ["create", "--bundle", str(directory), "ctr"])
    assert config.read_text() == before
    assert config.stat().st_mtime == 1


@pytest.mark.parametrize("text", ["not json", '{"process": "odd"}', "[]"])
def test_an_unreadable_spec_is_left_to_runc(tmp_path, fake_runc, text):
    directory = tmp_path / "bundle"
    directory.mkdir()
    (directory / "config.json").write_text(text)
    assert run(fake_runc, ["create", "-b", str(directory), "ctr"]) == ["create", "-b", str(directory), "ctr"]
    assert (directory / "config.json").read_text() == text


@pytest.mark.parametrize("args", [["state", "ctr"], ["delete", "--force", "ctr"], ["--version"], ["exec", "ctr", "ls"]])
def test_other_commands_pass_straight_through(fake_runc, args):
    assert run(fake_runc, args) == args
