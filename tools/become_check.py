#!/usr/bin/env python3
"""Run ansible-playbook, asking for the sudo password once and only when needed.

The stack's make targets run the playbook through this script:

    python tools/become_check.py site.yml --tags install,cluster

It passes its arguments to ansible-playbook unchanged, and adds
--ask-become-pass when all of these hold:

- a stage the arguments select needs root on this host: install, when the
  user cannot write the install directory; dns, and clean with its dns
  part, which write the host's resolver configuration under /etc (unless
  dns_resolver_become is false); cluster and clean when
  sre_minikube_trust_ca is true (the local CA in the host's trusted
  certificates);
- the user is not root;
- sudo asks for a password (`sudo -n true` fails: no NOPASSWD rule and no
  cached sudo login).

Then, when standard input is a terminal, ansible-playbook asks for the
password once, before the first play. Without a terminal there is nobody to
ask: the script runs nothing, says which stage needs root and why, and lists
the ways out. Arguments that already choose how to become (-K,
--become-password-file) are passed on as they are.

Which stage needs root and why is the privilege check play's decision
(playbooks/privileges.yml): both take it from the collection's
module_utils/privileges.py, and both read the install directory from the
variables the install stage reads (playbooks/vars/install.yml), so that
-e minikube_install_dir=... and -e sre_minikube_install_dir=... count here
as they do in the stage.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
PLAYBOOK = "ansible-playbook"
ASK = "--ask-become-pass"
# The install stage's variables, read before the user's extra vars as the
# stage reads them (its play's vars_files), so that those win as they do there.
STAGE_VARS = TOP / "playbooks" / "vars" / "install.yml"
# The settings the decision reads, as the playbook sees them (inventory,
# group_vars, the stage's variables, extra vars; Jinja rendered).
QUERY = (
    'msg={{ {"install_dir": minikube_install_dir,'
    ' "dns_become": dns_resolver_become | default(true) | bool,'
    ' "trust_ca": sre_minikube_trust_ca | default(false) | bool} | to_json }}'
)


def _load_privileges():
    """The collection's module_utils/privileges.py, by its path: it needs the standard library only."""
    path = (
        TOP / "collection" / "ansible_collections" / "sre" / "minikube" / "plugins" / "module_utils" / "privileges.py"
    )
    spec = importlib.util.spec_from_file_location("sre_minikube_privileges", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


privileges = _load_privileges()


def option_values(args: list[str], long: str, short: str | None = None) -> list[str]:
    """Every value given to an option: --long X, --long=X, -s X, -sX."""
    values = []
    it = iter(args)
    for arg in it:
        if arg == long or (short and arg == short):
            values.append(next(it, ""))
        elif arg.startswith(long + "="):
            values.append(arg[len(long) + 1 :])
        elif short and arg.startswith(short) and not arg.startswith("--") and len(arg) > len(short):
            values.append(arg[len(short) :])
    return values


def tag_set(values: list[str]) -> set[str]:
    return {tag.strip() for value in values for tag in value.split(",") if tag.strip()}


def selected_stages(args: list[str]) -> list[str]:
    """The stages that can need root among those the arguments select (module_utils/privileges.py decides)."""
    run = tag_set(option_values(args, "--tags", "-t"))
    skip = tag_set(option_values(args, "--skip-tags"))
    return privileges.selected_stages(sorted(run), sorted(skip))


def effective_uid() -> int:
    return os.geteuid()


def is_root() -> bool:
    return effective_uid() == 0


def stdin_is_terminal() -> bool:
    return os.isatty(0)


def sudo_status() -> str:
    """'ok' when sudo runs without a password, 'password' when it asks, 'missing'."""
    if shutil.which("sudo") is None:
        return "missing"
    result = subprocess.run(["sudo", "-n", "true"], stdin=subprocess.DEVNULL, capture_output=True, check=False)
    return "ok" if result.returncode == 0 else "password"


def stack_settings(args: list[str]) -> dict:
    """The install directory, dns_resolver_become and sre_minikube_trust_ca, as ansible renders them."""
    command = ["ansible", "localhost", "-m", "ansible.builtin.debug", "-a", QUERY]
    for value in option_values(args, "--inventory", "-i"):
        command += ["-i", value]
    command += ["-e", f"@{STAGE_VARS}"]
    for value in option_values(args, "--extra-vars", "-e"):
        command += ["-e", value]
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout[result.stdout.index("=>") + 2 :])
        return json.loads(report["msg"])
    except (ValueError, KeyError, TypeError):
        raise RuntimeError(
            "could not read the install directory, dns_resolver_become and sre_minikube_trust_ca from the inventory: "
            + (result.stderr or result.stdout).strip()[-500:]
        ) from None


def root_reasons(stages: list[str], settings: dict) -> list[str]:
    """Why each selected stage needs root here; empty when none does."""
    install_dir = settings["install_dir"]
    access = privileges.write_access(os.path.abspath(os.path.expanduser(install_dir)), effective_uid())
    return privileges.root_reasons(
        stages, install_dir, access["writable"], settings["dns_become"], settings.get("trust_ca", False)
    )


def refusal(reasons: list[str], sudo: str) -> str:
    problem = (
        "sudo is not installed, so nothing can become root"
        if sudo == "missing"
        else "sudo asks for a password, and standard input is not a terminal to ask it on"
    )
    lines = [f"sre.minikube needs root for this run: {'; '.join(reasons)}."]
    lines.append(f"But {problem}. Nothing was run. Any of these works:")
    if sudo != "missing":
        lines += [
            "  - run the same command in a terminal: it asks for the password once;",
            "  - run `sudo -v` first, so that sudo does not ask again for a while;",
            "  - run ansible-playbook yourself with -K (--ask-become-pass) and give it the password;",
        ]
    if any("install stage" in reason for reason in reasons):
        lines.append(
            "  - install into a directory you can write: set sre_minikube_install_dir: ~/.local/bin"
            " in inventory/group_vars/all.yml (or -e sre_minikube_install_dir=~/.local/bin);"
        )
    if any("resolver" in reason for reason in reasons):
        lines.append(
            "  - leave the host DNS out: ansible-playbook site.yml --skip-tags dns"
            " (then resolve the ingress host yourself)."
        )
    return "\n".join(lines)


def decide(args: list[str]) -> tuple[list[str] | None, str]:
    """The ansible-playbook command to run, or None; and what to tell the user."""
    command = [PLAYBOOK, *args]
    if any(a in (ASK, "-K", "--become-password-file") or a.startswith("--become-password-file=") for a in args):
        return command, ""
    stages = selected_stages(args)
    if not stages or is_root():
        return command, ""
    sudo = sudo_status()
    if sudo == "ok":
        return command, ""
    try:
        settings = stack_settings(args)
    except RuntimeError as error:
        # Without the settings, assume the stages need root, as with the
        # defaults: at worst the user is asked once for nothing.
        print(f"sre.minikube: {error}; assuming root is needed", file=sys.stderr)
        settings = {"install_dir": "/usr/local/bin", "dns_become": True, "trust_ca": False}
    reasons = root_reasons(stages, settings)
    if not reasons:
        return command, ""
    if sudo == "password" and stdin_is_terminal():
        note = f"sre.minikube needs root for this run: {'; '.join(reasons)}. sudo asks for your password once:"
        return [*command, ASK], note
    return None, refusal(reasons, sudo)


def main(argv: list[str]) -> int:
    command, message = decide(argv)
    if message:
        print(message, file=sys.stderr, flush=True)
    if command is None:
        return 2
    os.execvp(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
