#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tunnel_service
short_description: Run minikube tunnel for a profile as a service of the user (launchd agent or systemd user unit)
version_added: 1.1.0
description:
  - Decides whether the profile needs C(minikube tunnel) (O(tunnel)), and then keeps
    C(<binary> -p <profile> tunnel --cleanup) running as a service of the connecting user, or stops it and removes
    its file.
  - On macOS a launchd agent, labelled C(io.sre-minikube.tunnel.<profile>), in
    C(~/Library/LaunchAgents/io.sre-minikube.tunnel.<profile>.plist), loaded in the user's GUI domain with
    C(launchctl bootstrap gui/<uid>) and checked with C(launchctl print); its output goes to
    C(~/Library/Logs/io.sre-minikube.tunnel.<profile>.log).
  - Elsewhere a systemd user unit C(sre-minikube-tunnel-<profile>.service) in
    C(${XDG_CONFIG_HOME:-~/.config}/systemd/user/), started with C(systemctl --user enable --now) and checked
    with C(systemctl --user is-active); its output goes to the user's journal.
  - The file is rendered from the same argument list on both systems, written through a temporary file and
    moved into place, and only when its content changes; a changed file restarts a running service.
  - When the service manager cannot run it (no C(launchctl); C(systemctl --user) reaches no user manager, as in
    a container or an SSH session without a user session) or the service does not run, the module fails with
    the command to run by hand in a terminal instead (C(<binary> -p <profile> tunnel)), before writing anything.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
  - sre.minikube.minikube.profile
attributes:
  check_mode:
    support: full
    details: Reads the file and the service's state, reports what would change, and writes or starts nothing.
  diff_mode:
    support: full
options:
  state:
    description:
      - V(present) runs the tunnel when O(tunnel) says it is needed, and removes it otherwise.
      - V(absent) stops the service and removes its file (and the launchd agent's log).
    type: str
    choices: [present, absent]
    default: present
  tunnel:
    description:
      - The setting C(sre_minikube_tunnel). V(true) runs the tunnel. V(auto) runs it only on macOS when
        O(driver) is one of O(forwarded_drivers), whose node the host cannot reach, and minikube cannot publish
        that driver's node ports instead (the docker and podman drivers publish them; see
        O(sre.minikube.minikube_start#module:tunnel)). V(publish) and V(false) never run it.
    type: str
    choices: [auto, publish, "true", "false"]
    default: auto
  driver:
    description: The profile's minikube driver, for O(tunnel=auto).
    type: str
    default: ""
  forwarded_drivers:
    description:
      - The drivers whose node's address a macOS host cannot reach, so that minikube forwards the node's ports to
        the host (the dns_resolver role's C(dns_resolver_tunnel_drivers)).
    type: list
    elements: str
    default: []
  env:
    description:
      - Variables the service runs with, such as C(MINIKUBE_HOME), C(KUBECONFIG) and C(PATH) (minikube runs
        C(docker), C(ssh) and C(sudo)); an empty value is left out.
    type: dict
    default: {}
  manager:
    description: The service manager; V(auto) is launchd on macOS and systemd elsewhere.
    type: str
    choices: [auto, launchd, systemd]
    default: auto
  path:
    description: The service file; empty is the manager's place in the user's home (see the description).
    type: path
  log_path:
    description: The launchd agent's output file; empty is C(~/Library/Logs/io.sre-minikube.tunnel.<profile>.log).
    type: path
  timeout:
    description: Seconds to wait for a started service to run.
    type: int
    default: 15
notes:
  - On macOS with the docker driver minikube forwards each port with C(ssh), and runs that C(ssh) under C(sudo)
    for ports below 1024 (the front door's 80 and 443), which asks for a password; the agent has no terminal to
    ask in.
  - On Linux minikube adds a route to the cluster's Service network with C(sudo ip route add), which asks for a
    password unless sudo is configured not to.
"""

EXAMPLES = r"""
- name: Run minikube tunnel where the node cannot be reached from this host
  sre.minikube.tunnel_service:
    binary: /usr/local/bin/minikube
    profile: sre-minikube
    driver: docker
    forwarded_drivers: [docker, podman]
    env:
      KUBECONFIG: "{{ lookup('ansible.builtin.env', 'KUBECONFIG') }}"

- name: Run it on Linux too, as a systemd user unit
  sre.minikube.tunnel_service:
    binary: /usr/local/bin/minikube
    profile: sre-minikube
    tunnel: "true"

- name: Stop the tunnel and remove its service
  sre.minikube.tunnel_service:
    binary: /usr/local/bin/minikube
    profile: sre-minikube
    state: absent
"""

RETURN = r"""
needed:
  description: Whether the tunnel should run (O(state=present) and O(tunnel) says so).
  returned: always
  type: bool
  sample: true
manager:
  description: The service manager, C(launchd) or C(systemd).
  returned: always
  type: str
  sample: launchd
service:
  description: The launchd label or the systemd unit name.
  returned: always
  type: str
  sample: io.sre-minikube.tunnel.sre-minikube
path:
  description: The service file.
  returned: always
  type: str
  sample: /Users/me/Library/LaunchAgents/io.sre-minikube.tunnel.sre-minikube.plist
content:
  description: The service file's content the module manages; empty when the tunnel is not needed.
  returned: always
  type: str
  sample: "[Unit]\nDescription=minikube tunnel for the sre.minikube profile sre-minikube\n..."
running:
  description: Whether the service runs when the module returns (in check mode, whether it runs unchanged).
  returned: always
  type: bool
  sample: true
command:
  description: The command that runs the tunnel by hand in a terminal.
  returned: always
  type: str
  sample: /usr/local/bin/minikube -p sre-minikube tunnel
"""

import os
import platform
import pwd
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible_collections.sre.minikube.plugins.module_utils.inputs import InputError, check
from ansible_collections.sre.minikube.plugins.module_utils.tunnel import (
    SETTINGS,
    Launchd,
    Systemd,
    TunnelError,
    cannot_run,
    default_paths,
    ensure,
    hand_command,
    manager_for,
    render,
    service_name,
    tunnel_needed,
)


class ServiceFile:
    """The service file: read, written atomically (its directory made when missing), removed."""

    def __init__(self, module, path, extra=()):
        self.module, self.path, self.extra = module, path, extra

    def read(self):
        try:
            with open(self.path, "rb") as handle:
                return to_text(handle.read(), errors="surrogate_or_strict")
        except FileNotFoundError:
            return None

    def write(self, content):
        directory = os.path.dirname(self.path)
        os.makedirs(directory, mode=0o755, exist_ok=True)
        for path in self.extra:
            os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        fd, tmp_path = tempfile.mkstemp(prefix=".tunnel-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(to_bytes(content))
            os.chmod(tmp_path, 0o644)
            self.module.atomic_move(tmp_path, self.path)
        finally:
            if os.path.exists(tmp_path):
                os.unlink(tmp_path)

    def remove(self):
        for path in (self.path, *self.extra):
            if os.path.exists(path):
                os.unlink(path)


def binary_path(module, binary):
    """The minikube program as an absolute path: the service does not search the run's PATH."""
    if os.path.isabs(binary):
        return binary
    found = module.get_bin_path(binary)
    return found or binary


def waiter(timeout):
    def wait(predicate):
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(1)

    return wait


def main():
    module = AnsibleModule(
        argument_spec={
            "binary": {"type": "str", "default": "minikube"},
            "profile": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "tunnel": {"type": "str", "choices": list(SETTINGS), "default": "auto"},
            "driver": {"type": "str", "default": ""},
            "forwarded_drivers": {"type": "list", "elements": "str", "default": []},
            "env": {"type": "dict", "default": {}},
            "manager": {"type": "str", "choices": ["auto", "launchd", "systemd"], "default": "auto"},
            "path": {"type": "path"},
            "log_path": {"type": "path"},
            "timeout": {"type": "int", "default": 15},
        },
        supports_check_mode=True,
    )
    p = module.params
    system = platform.system()
    manager = manager_for(system) if p["manager"] == "auto" else p["manager"]
    binary = binary_path(module, p["binary"])
    try:
        check("profile", p["profile"], "minikube_profile")
        needed = p["state"] == "present" and tunnel_needed(p["tunnel"], system, p["driver"], p["forwarded_drivers"])
        command = hand_command(binary, p["profile"])
        home = os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir
        path, log_path = default_paths(manager, p["profile"], home, os.environ)
        path, log_path = p["path"] or path, p["log_path"] or log_path
        content = render(manager, binary, p["profile"], p["env"], log_path) if needed else None
    except InputError as exc:
        module.fail_json(msg=str(exc))

    label = service_name(manager, p["profile"])
    if manager == "launchd":
        service = Launchd(module.run_command, module.get_bin_path("launchctl"), os.getuid(), label, path)
    else:
        service = Systemd(module.run_command, module.get_bin_path("systemctl"), label)
    files = ServiceFile(module, path, (log_path,) if log_path and manager == "launchd" else ())
    result = {"needed": needed, "manager": manager, "service": label, "path": path, "command": command}
    try:
        changed, file_changed, before, running = ensure(
            files, service, content, module.check_mode, waiter(p["timeout"])
        )
    except TunnelError as exc:
        module.fail_json(msg=cannot_run(manager, str(exc), command), running=False, **result)
    result.update(changed=changed, content=content or "", running=running)
    if file_changed and module._diff:
        result["diff"] = {
            "before": before or "",
            "after": content or "",
            "before_header": f"{path} (content)",
            "after_header": f"{path} (content)",
        }
    if needed and not running and not module.check_mode:
        where = f"its output is in {log_path}" if manager == "launchd" else f"see `journalctl --user -u {label}`"
        module.fail_json(
            msg=cannot_run(
                manager, f"the service {label} did not run within {p['timeout']} seconds ({where})", command
            ),
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
