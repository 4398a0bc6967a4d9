"""The stack asks for the sudo password once, and only when a stage needs it.

tools/become_check.py runs ansible-playbook for the stack's make targets and
adds --ask-become-pass when a selected stage needs root, the user is not
root and sudo wants a password; without a terminal it refuses, saying why.
The cases drive it with stand-ins on PATH: `sudo` that succeeds or fails
`-n true`, `ansible` that answers the settings query as the inventory
would, and `ansible-playbook` that records its arguments. Who the user is
and whether stdin is a terminal are set per case (the latter is also
checked for real on a pseudo-terminal), and an install directory the user
cannot write is made so even when the tests run as root.

The last case runs the privilege check play of site.yml: on its own, with
sudo wanting a password and no -K, it stops at once and says to use -K.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import pty
import shutil
import subprocess
import sys
import tempfile

import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = TOP / "tools" / "become_check.py"

spec = importlib.util.spec_from_file_location("become_check", SCRIPT)
become_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(become_check)


def stand_in(path: pathlib.Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


class Host:
    """Stand-in programs on PATH and the user's situation, per test."""

    def __init__(self, directory: pathlib.Path, monkeypatch: pytest.MonkeyPatch):
        self.dir = directory
        self.bin = directory / "bin"
        self.bin.mkdir()
        self.calls = directory / "calls.log"
        self.monkeypatch = monkeypatch
        self.install_dir = directory / "user-bin"
        self.install_dir.mkdir()
        self.dns_become = True
        self.trust_ca = False
        self.terminal = False
        self.root = False
        self.locked: list[str] = []
        self.sudo(password=True)
        stand_in(
            self.bin / "ansible",
            f'echo "ansible $*" >> {self.calls}\ncat {directory / "settings.json"}\n',
        )
        stand_in(self.bin / "ansible-playbook", f'echo "ansible-playbook $*" >> {self.calls}\n')
        monkeypatch.setenv("PATH", f"{self.bin}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setattr(become_check, "effective_uid", lambda: 0 if self.root else 1000)
        monkeypatch.setattr(become_check, "stdin_is_terminal", lambda: self.terminal)
        real_access = os.access

        def access(path, mode, *args, **kwargs):
            if mode & os.W_OK and any(str(path).startswith(locked) for locked in self.locked):
                return False
            return real_access(path, mode, *args, **kwargs)

        monkeypatch.setattr(become_check.os, "access", access)

    def sudo(self, password: bool) -> None:
        """sudo -n true fails (a password is needed) or succeeds."""
        outcome = 'echo "sudo: a password is required" >&2; exit 1' if password else "exit 0"
        stand_in(self.bin / "sudo", f'echo "sudo $*" >> {self.calls}\n{outcome}\n')

    def root_owned(self) -> pathlib.Path:
        """An install directory the user cannot write (as /usr/local/bin)."""
        locked = self.dir / "root-owned"
        locked.mkdir()
        locked.chmod(0o555)
        self.locked.append(str(locked))
        return locked

    def run(self, *args: str) -> tuple[list[str] | None, str]:
        settings = {"install_dir": str(self.install_dir), "dns_become": self.dns_become, "trust_ca": self.trust_ca}
        answer = {"msg": json.dumps(settings)}
        (self.dir / "settings.json").write_text(f"localhost | SUCCESS => {json.dumps(answer, indent=4)}\n")
        return become_check.decide(list(args))

    def called(self, program: str) -> list[str]:
        if not self.calls.exists():
            return []
        return [line for line in self.calls.read_text().splitlines() if line.split()[0] == program]


@pytest.fixture
def host(tmp_path, monkeypatch):
    yield Host(tmp_path, monkeypatch)
    for path in tmp_path.iterdir():
        path.chmod(0o755)


ASK = "--ask-become-pass"


@pytest.mark.parametrize(
    "args",
    [
        ["site.yml", "--tags", "cluster"],
        ["site.yml", "--tags", "build,deploy", "--skip-tags", "dns"],
        ["site.yml", "--tags", "verify"],
        ["site.yml", "--tags", "clean", "--skip-tags", "dns"],
        ["site.yml", "--tags=install,cluster"],
        ["site.yml", "--skip-tags", "dns"],
    ],
)
def test_no_prompt_when_no_stage_needs_root(host, args):
    # The install directory is the user's own; the dns stage is not run.
    host.terminal = True

    command, message = host.run(*args)

    assert command == ["ansible-playbook", *args]
    assert message == ""


@pytest.mark.parametrize(
    ("args", "stage", "text"),
    [
        (["site.yml", "--tags", "cluster"], "cluster", "adds the stack's local CA"),
        (["site.yml", "--tags", "clean", "--skip-tags", "dns"], None, ""),
        (["site.yml", "--tags", "clean"], "clean", "removes the stack's local CA"),
    ],
)
def test_trusting_the_local_ca_asks_for_the_password(host, args, stage, text):
    host.terminal = True
    host.dns_become = False
    host.trust_ca = True

    command, message = host.run(*args)

    if stage is None:
        # The clean stage's root-needing parts are chosen with its dns part (--skip-tags dns leaves them out).
        assert command == ["ansible-playbook", *args]
        return
    assert command == ["ansible-playbook", *args, ASK]
    assert f"the {stage} stage {text}" in message


def test_a_user_writable_install_directory_needs_no_sudo_at_all(host):
    host.terminal = True

    command, _ = host.run("site.yml", "--tags", "install,cluster")

    assert ASK not in command
    # sudo may be asked whether it needs a password, never to run anything.
    assert all(call == "sudo -n true" for call in host.called("sudo"))


def test_a_missing_install_directory_under_a_writable_parent_needs_no_sudo(host):
    host.install_dir = host.install_dir / "not" / "yet"
    host.terminal = True

    command, _ = host.run("site.yml", "--tags", "install")

    assert ASK not in command


@pytest.mark.parametrize(
    ("args", "stage"),
    [
        (["site.yml"], "dns"),
        (["site.yml", "--tags", "build,deploy,dns"], "dns"),
        (["site.yml", "--tags", "clean"], "clean"),
        (["site.yml", "--tags", "clean", "-e", "sre_minikube_clean_cluster=true"], "clean"),
    ],
)
def test_the_password_is_asked_once_in_a_terminal_when_dns_needs_root(host, args, stage):
    host.terminal = True

    command, message = host.run(*args)

    assert command == ["ansible-playbook", *args, ASK]
    assert f"the {stage} stage" in message
    assert "/etc" in message


def test_the_password_is_asked_when_the_install_directory_is_root_owned(host):
    host.install_dir = host.root_owned()
    host.terminal = True

    command, message = host.run("site.yml", "--tags", "install,cluster")

    assert command == ["ansible-playbook", "site.yml", "--tags", "install,cluster", ASK]
    assert f"minikube into {host.install_dir}" in message


def test_a_missing_install_directory_under_a_root_owned_parent_needs_root(host):
    host.install_dir = host.root_owned() / "bin"
    host.terminal = True

    command, _ = host.run("site.yml", "--tags", "install")

    assert command[-1] == ASK


def test_the_extra_vars_reach_the_settings_query(host):
    host.terminal = True

    host.run("site.yml", "--tags", "clean", "-e", "sre_minikube_install_dir=~/x", "--extra-vars=@vars.yml")

    (query,) = host.called("ansible")
    # The install stage's variables first, as its play reads them, so that the user's extra vars win.
    assert f"-e @{TOP}/playbooks/vars/install.yml -e sre_minikube_install_dir=~/x -e @vars.yml" in query


INSTALL_VARIABLES = [
    # (id, extra vars ({open}: a directory the user can write, {locked}: one they cannot), the password is asked)
    (
        "minikube_install_dir the user can write, over a root-owned sre_minikube_install_dir",
        ["-e", "sre_minikube_install_dir={locked}", "-e", "minikube_install_dir={open}"],
        False,
    ),
    (
        "a root-owned minikube_install_dir, over a writable sre_minikube_install_dir",
        ["-e", "sre_minikube_install_dir={open}", "-e", "minikube_install_dir={locked}"],
        True,
    ),
    ("sre_minikube_install_dir the user can write", ["-e", "sre_minikube_install_dir={open}"], False),
    ("a root-owned sre_minikube_install_dir", ["-e", "sre_minikube_install_dir={locked}"], True),
    (
        "minikube_install_dir from a file of extra vars",
        ["-e", "sre_minikube_install_dir={locked}", "-e", "@{file}"],
        False,
    ),
]


@pytest.mark.parametrize(
    ("extra", "asks"), [case[1:] for case in INSTALL_VARIABLES], ids=[case[0] for case in INSTALL_VARIABLES]
)
def test_the_check_reads_the_install_directory_the_install_stage_writes(host, monkeypatch, extra, asks):
    """The real settings query (ansible, the project's inventory), both variables the install stage honours."""
    (host.bin / "ansible").unlink()
    monkeypatch.chdir(TOP)
    monkeypatch.setenv("ANSIBLE_CONFIG", str(TOP / "ansible.cfg"))
    locked = host.root_owned()
    extra_file = host.dir / "extra.yml"
    extra_file.write_text(f"minikube_install_dir: {host.install_dir}\n")
    extra = [value.format(open=host.install_dir, locked=locked, file=extra_file) for value in extra]
    host.terminal = True

    command, message = become_check.decide(["site.yml", "--tags", "install", *extra])

    assert command[-1] == ASK if asks else ASK not in command, message
    if asks:
        assert f"the install stage writes minikube into {locked}, which you cannot write" in message


STAGE_BINARY = [
    # (extra vars, the minikube the cluster, build, dns, verify and clean stages run)
    ([], "/usr/local/bin/minikube"),
    (["-e", "sre_minikube_install_dir=/opt/a"], "/opt/a/minikube"),
    (["-e", "minikube_install_dir=/opt/b"], "/opt/b/minikube"),
    (["-e", "sre_minikube_install_dir=/opt/a", "-e", "minikube_install_dir=/opt/b"], "/opt/b/minikube"),
]


@pytest.mark.parametrize(("extra", "binary"), STAGE_BINARY)
def test_the_later_stages_run_the_minikube_of_the_install_directory_the_check_reads(extra, binary):
    """Without the install stage in the run, the stages find minikube where that stage would put it."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(TOP / "ansible.cfg"))
    # The stage plays read the settings' defaults with the lowest precedence
    # (a role's defaults); here, as extra vars given before the test's own.
    defaults = ["-e", f"@{TOP}/playbooks/sre_minikube_settings/defaults/main.yml"]
    run = subprocess.run(
        ["ansible", "localhost", "-m", "ansible.builtin.debug", "-a", "var=sre_minikube_binary", *defaults, *extra],
        cwd=TOP,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f'"sre_minikube_binary": "{binary}"' in run.stdout, run.stdout


def test_without_a_terminal_it_refuses_and_says_why(host):
    host.install_dir = host.root_owned()

    command, message = host.run("site.yml")

    assert command is None
    assert f"the install stage writes minikube into {host.install_dir}, which you cannot write" in message
    assert "the dns stage writes the host's resolver configuration under /etc" in message
    assert "not a terminal" in message
    assert "Nothing was run" in message
    assert "sudo -v" in message
    assert "-K" in message
    assert "sre_minikube_install_dir: ~/.local/bin" in message
    assert "--skip-tags dns" in message
    assert host.called("ansible-playbook") == []


def test_without_a_terminal_the_refusal_names_only_the_ways_out_that_apply(host):
    command, message = host.run("site.yml", "--tags", "clean")

    assert command is None
    assert "the clean stage removes" in message
    assert "sre_minikube_install_dir" not in message


def test_nothing_is_asked_when_sudo_needs_no_password(host):
    host.sudo(password=False)
    host.install_dir = host.root_owned()

    for terminal in (True, False):
        host.terminal = terminal
        command, message = host.run("site.yml")
        assert command == ["ansible-playbook", "site.yml"]
        assert message == ""
    assert host.called("sudo") == ["sudo -n true", "sudo -n true"]


def test_nothing_is_asked_of_root(host):
    host.root = True
    host.install_dir = host.root_owned()

    command, message = host.run("site.yml")

    assert command == ["ansible-playbook", "site.yml"]
    assert message == ""
    assert host.called("sudo") == []


def test_a_password_given_on_the_command_line_is_left_alone(host):
    for flag in ("-K", "--ask-become-pass", "--become-password-file=pw"):
        command, message = host.run("site.yml", flag)
        assert command == ["ansible-playbook", "site.yml", flag]
        assert message == ""
    assert host.called("sudo") == []


def test_dns_without_become_needs_no_root(host):
    host.dns_become = False
    host.terminal = True

    command, _ = host.run("site.yml", "--tags", "dns")

    assert ASK not in command


def test_a_host_without_sudo_is_told_so(host):
    (host.bin / "sudo").unlink()
    host.monkeypatch.setenv("PATH", str(host.bin))
    host.terminal = True

    command, message = host.run("site.yml", "--tags", "dns")

    assert command is None
    assert "sudo is not installed" in message


def test_main_runs_ansible_playbook_or_exits_with_the_message(host, monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(become_check.os, "execvp", lambda program, argv: ran.append(argv))
    host.terminal = True

    become_check.main(["site.yml", "--tags", "dns"])
    assert ran == [["ansible-playbook", "site.yml", "--tags", "dns", ASK]]
    assert "asks for your password once" in capsys.readouterr().err

    host.terminal = False
    assert become_check.main(["site.yml", "--tags", "dns"]) == 2
    assert "Nothing was run" in capsys.readouterr().err
    assert len(ran) == 1


def test_the_terminal_test_looks_at_standard_input():
    code = [sys.executable, "-c", f"import runpy; m = runpy.run_path({str(SCRIPT)!r}); print(m['stdin_is_terminal']())"]
    primary, secondary = pty.openpty()
    try:
        on_pty = subprocess.run(code, stdin=secondary, capture_output=True, text=True, check=True, timeout=30)
    finally:
        os.close(secondary)
        os.close(primary)
    piped = subprocess.run(code, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True, timeout=30)

    assert on_pty.stdout.strip() == "True"
    assert piped.stdout.strip() == "False"


def test_the_script_runs_ansible_playbook_with_its_arguments(host):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "site.yml", "--tags", "cluster"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert host.called("ansible-playbook") == ["ansible-playbook site.yml --tags cluster"]


@pytest.mark.parametrize(
    ("goal", "args"),
    [
        ("all", "site.yml"),
        ("init", "site.yml --tags install,cluster"),
        ("deploy", "site.yml --tags build,deploy,dns"),
        ("clean", "site.yml --tags clean"),
    ],
)
def test_the_stack_targets_run_the_playbook_through_the_check(goal, args):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    result = subprocess.run(
        ["make", "-n", "-s", "--no-print-directory", "-C", str(TOP), goal],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert f"python tools/become_check.py {args}" in [line.strip() for line in result.stdout.splitlines()]


def as_another_user(command: list[str]) -> list[str]:
    """The command as it runs for a user who is not root: as is, or, when the tests run as root, as nobody."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("the tests run as root and setpriv (util-linux) is missing to run the play as another user")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", *command]


def copy_checkout(target: pathlib.Path) -> None:
    """The files the privilege play reads: ansible.cfg, the inventory, the playbooks, the collection's plugins."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "output", "tests")
    for name in ("playbooks", "inventory"):
        shutil.copytree(TOP / name, target / name, ignore=ignore)
    shutil.copytree(TOP / "collection", target / "collection", ignore=ignore)
    shutil.copy(TOP / "ansible.cfg", target / "ansible.cfg")
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def require_other_user_can_run_ansible(env: dict) -> None:
    """Skip, saying why, when the play's user cannot start ansible-playbook (a venv in a private directory)."""
    probe = subprocess.run(
        as_another_user(["ansible-playbook", "--version"]),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(
            "the user the play runs as (nobody) cannot run this ansible-playbook, whose environment is in a"
            f" directory only its owner can enter: {(probe.stderr or probe.stdout).strip()[-300:]}"
        )


PRIVILEGE_PLAY = [
    # (id, arguments ({open}: a directory the user can write, {locked}: one they cannot), what the play says;
    #  '' when it passes)
    (
        "dns stage",
        ["--tags", "dns", "-e", "sre_minikube_install_dir={open}"],
        "the dns stage writes the host's resolver configuration under /etc",
    ),
    (
        "install where the user cannot write",
        ["--tags", "install", "-e", "sre_minikube_install_dir={locked}"],
        "the install stage writes minikube into {locked}, which you cannot write",
    ),
    (
        "install into a missing directory the user cannot create",
        ["--tags", "install", "-e", "sre_minikube_install_dir={locked}/missing/bin"],
        "the install stage writes minikube into {locked}/missing/bin, which you cannot write",
    ),
    ("install where the user can write", ["--tags", "install", "-e", "sre_minikube_install_dir={open}"], ""),
    (
        "install into a missing directory the user can create",
        ["--tags", "install", "-e", "sre_minikube_install_dir={open}/missing/bin"],
        "",
    ),
    ("a stage that needs no root", ["--tags", "deploy", "-e", "sre_minikube_install_dir={locked}"], ""),
    ("the cluster stage without trusting the CA", ["--tags", "cluster"], ""),
    (
        "the cluster stage trusting the CA",
        ["--tags", "cluster", "-e", "sre_minikube_trust_ca=true"],
        "the cluster stage adds the stack's local CA to the host's trusted certificates",
    ),
    # -e minikube_install_dir is the install stage's own variable: it wins over sre_minikube_install_dir there.
    (
        "minikube_install_dir where the user can write",
        ["--tags", "install", "-e", "sre_minikube_install_dir={locked}", "-e", "minikube_install_dir={open}"],
        "",
    ),
    (
        "minikube_install_dir where the user cannot write",
        ["--tags", "install", "-e", "sre_minikube_install_dir={open}", "-e", "minikube_install_dir={locked}"],
        "the install stage writes minikube into {locked}, which you cannot write",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [case[1:] for case in PRIVILEGE_PLAY],
    ids=[case[0] for case in PRIVILEGE_PLAY],
)
def test_the_privilege_play_stops_at_once_without_a_password(arguments, expected):
    """ansible-playbook site.yml run directly: the first play refuses, naming -K, when a stage needs root.

    The play runs as a user who is not root (nobody, when the tests run as
    root), with a `sudo` that wants a password, and install directories
    that user can or cannot write.
    """
    work = pathlib.Path(tempfile.mkdtemp(prefix="sre-privileges-"))
    try:
        work.chmod(0o755)
        home = work / "home"
        bin_dir = work / "bin"
        writable = work / "open"
        locked = work / "locked"
        for folder in (home, bin_dir, writable):
            folder.mkdir()
            folder.chmod(0o777)
        locked.mkdir()
        locked.chmod(0o555)
        arguments = [argument.format(open=writable, locked=locked) for argument in arguments]
        expected = expected.format(open=writable, locked=locked)
        stand_in(bin_dir / "sudo", 'echo "sudo: a password is required" >&2\nexit 1\n')
        # The play and what it reads, copied where the other user can read
        # them: the checkout may be in a directory only its owner can enter.
        checkout = work / "checkout"
        copy_checkout(checkout)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
        env.update(
            PATH=f"{bin_dir}{os.pathsep}{env['PATH']}",
            HOME=str(home),
            ANSIBLE_CONFIG=str(checkout / "ansible.cfg"),
            ANSIBLE_HOME=str(home / ".ansible"),
        )
        require_other_user_can_run_ansible(env)
        # become_user nobody makes ansible go through sudo whoever runs the play.
        result = subprocess.run(
            as_another_user(
                [
                    "ansible-playbook",
                    str(checkout / "playbooks" / "privileges.yml"),
                    *arguments,
                    "-e",
                    "ansible_become_user=nobody",
                ]
            ),
            cwd=checkout,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    output = result.stdout + result.stderr
    if not expected:
        assert result.returncode == 0, output
        assert "This run needs root" not in output
        return
    assert result.returncode != 0, output
    assert expected in output
    assert "Run again with -K (--ask-become-pass)" in output
    assert "Nothing was changed" in output
