# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`minikube -p <profile> tunnel` as a background service of the user: what it runs and where it is written.

One argument list feeds both service managers: a launchd agent (macOS, a
property list under ~/Library/LaunchAgents) and a systemd user unit (Linux,
under ~/.config/systemd/user). The command a user would run by hand in a
terminal instead is the same program, profile and subcommand.

How the host reaches the front door (host_path), from the setting
sre_minikube_tunnel: "auto" publishes the node's ports 80 and 443 on
TUNNEL_ADDRESS where the node's own address cannot be reached (macOS with a
driver that runs the node in a container of Docker Desktop's or Podman's
virtual machine), runs the tunnel for another driver whose node it cannot
reach, and does nothing elsewhere; "publish" does the same on any
host with the docker or podman driver; "true" runs the tunnel as a service;
"false" does neither. Published ports are the container's own (`minikube start
--ports`, fixed when the node's container is created), so they need neither a
background process nor sudo; the tunnel needs sudo for ports below 1024.
"""

from __future__ import annotations

import os
import plistlib
import re
import shlex

from ansible_collections.sre.minikube.plugins.module_utils.inputs import InputError, check, show

SETTINGS = ("auto", "publish", "true", "false")
# The node's ports the front door takes (Traefik's, or ingress-nginx's, host
# ports), published on this host's TUNNEL_ADDRESS under the same numbers.
PUBLISHED_PORTS = (80, 443)
# The drivers whose node is a container, the only ones `minikube start --ports` serves.
PUBLISHING_DRIVERS = ("docker", "podman")
LABEL_PREFIX = "io.sre-minikube.tunnel."
UNIT_PREFIX = "sre-minikube-tunnel-"
# The variables minikube reads to find the profile and its cluster: passed on
# to the service when the run that installs it has them.
ENVIRONMENT = ("MINIKUBE_HOME", "KUBECONFIG", "PATH")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# systemd refuses these in an executable's path ("Executable name contains special characters").
_UNSAFE_EXECUTABLE = re.compile(r"[\x00-\x1f\x7f\\\"']")


def host_path(setting, system, driver, forwarded_drivers):
    """How this host reaches the front door: "publish", "tunnel" or "node".

    SETTING is auto, publish, true or false; SYSTEM is platform.system(); FORWARDED_DRIVERS are the drivers whose
    node a macOS host cannot reach (the dns_resolver role's dns_resolver_tunnel_drivers). "node": at the node's
    own address, nothing to run (also the answer for false, where the user runs the tunnel by hand).
    """
    if setting not in SETTINGS:
        raise InputError(f"tunnel={show(setting)} must be one of {', '.join(SETTINGS)}.")
    if setting == "true":
        return "tunnel"
    if setting == "auto":
        if system != "Darwin" or driver not in forwarded_drivers:
            return "node"
        # A node this host cannot reach whose ports minikube cannot publish: only the tunnel helps.
        return "publish" if driver in PUBLISHING_DRIVERS else "tunnel"
    if setting == "publish" and driver not in PUBLISHING_DRIVERS:
        raise InputError(
            f"tunnel=publish publishes the node's ports, which only the {' and '.join(PUBLISHING_DRIVERS)} drivers"
            f" do, not {show(driver)}: set it to true (`minikube tunnel` as a service) or false."
        )
    return "publish" if setting == "publish" else "node"


def tunnel_needed(setting, system, driver, forwarded_drivers):
    """Whether the stack runs `minikube tunnel` as a service: only when SETTING is true (see host_path)."""
    return host_path(setting, system, driver, forwarded_drivers) == "tunnel"


def published_ports(path, address):
    """The `minikube start --ports` values of PATH (host_path): each front door port on ADDRESS, or none."""
    if path != "publish":
        return []
    check("address", address, "ip_address")
    host = f"[{address}]" if ":" in address else address
    return [f"{host}:{port}:{port}" for port in PUBLISHED_PORTS]


def manager_for(system):
    """The service manager of SYSTEM (platform.system()): launchd on macOS, systemd elsewhere."""
    return "launchd" if system == "Darwin" else "systemd"


def argv(binary, profile):
    """The tunnel's command line; --cleanup removes the routes a tunnel that died left behind."""
    check("binary", binary, "absolute_path")
    check("profile", profile, "minikube_profile")
    return [binary, "-p", profile, "tunnel", "--cleanup"]


def hand_command(binary, profile):
    """The command a user runs in a terminal, and keeps running, when no service manager can."""
    return shlex.join([binary, "-p", profile, "tunnel"])


def launchd_label(profile):
    return LABEL_PREFIX + profile


def unit_name(profile):
    return f"{UNIT_PREFIX}{profile}.service"


def service_name(manager, profile):
    return launchd_label(profile) if manager == "launchd" else unit_name(profile)


def default_paths(manager, profile, home, environ):
    """(service file, log file) of MANAGER for PROFILE under HOME; the log is launchd's (systemd: the journal)."""
    if manager == "launchd":
        label = launchd_label(profile)
        library = os.path.join(home, "Library")
        return os.path.join(library, "LaunchAgents", label + ".plist"), os.path.join(library, "Logs", label + ".log")
    config = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(config, "systemd", "user", unit_name(profile)), ""


def service_environment(environment):
    """The variables of ENVIRONMENT (a mapping) the service gets: those of ENVIRONMENT that are set, checked."""
    chosen = {}
    for name in sorted(environment):
        value = environment[name]
        if value in (None, ""):
            continue
        check("environment key", name, "env_name")
        check(f"environment[{name!r}]", value, "text")
        chosen[name] = str(value)
    return chosen


def render_plist(binary, profile, environment, log_path):
    """The launchd agent: started at login and at load, started again whenever it exits."""
    agent = {
        "Label": launchd_label(profile),
        "ProgramArguments": argv(binary, profile),
        "RunAtLoad": True,
        "KeepAlive": True,
        "StandardOutPath": check("log_path", log_path, "absolute_path"),
        "StandardErrorPath": log_path,
    }
    variables = service_environment(environment)
    if variables:
        agent["EnvironmentVariables"] = variables
    return plistlib.dumps(agent, sort_keys=True).decode("utf-8")


def systemd_quote(value, what="argument"):
    """VALUE as one double-quoted word of a unit file: C escapes for \\ and ", %% for a specifier's %.

    Raise InputError for a control character, which no unit file line can hold.
    """
    if _CONTROL.search(value):
        raise InputError(f"{what}={show(value)} holds a control character, which a systemd unit cannot hold.")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"'


def exec_line(command):
    """ExecStart='s value: every word quoted; in the arguments $ doubled, as systemd expands $NAME there (not in
    the executable's path, which it takes as written)."""
    executable, *arguments = command
    return " ".join([systemd_quote(executable, "binary")] + [systemd_quote(a).replace("$", "$$") for a in arguments])


def render_unit(binary, profile, environment):
    """The systemd user unit: started with the user's session, started again when it fails."""
    command = argv(binary, profile)
    if _UNSAFE_EXECUTABLE.search(binary):
        raise InputError(
            f"binary={show(binary)}: systemd refuses an executable path with a quote, a backslash or a control"
            " character; install minikube under a path without them."
        )
    lines = [
        f"# Written by sre.minikube: `minikube tunnel` for the profile {profile}; make clean removes it.",
        "[Unit]",
        f"Description=minikube tunnel for the sre.minikube profile {profile}".replace("%", "%%"),
        "",
        "[Service]",
        "Type=simple",
    ]
    lines += [
        f"Environment={systemd_quote(f'{name}={value}', f'environment[{name!r}]')}"
        for name, value in service_environment(environment).items()
    ]
    lines += [
        "ExecStart=" + exec_line(command),
        # minikube removes its routes and the LoadBalancers' addresses on an interrupt, not on SIGTERM.
        "KillSignal=SIGINT",
        "Restart=on-failure",
        "RestartSec=5",
        "",
        "[Install]",
        "WantedBy=default.target",
    ]
    return "\n".join(lines) + "\n"


def render(manager, binary, profile, environment, log_path):
    if manager == "launchd":
        return render_plist(binary, profile, environment, log_path)
    return render_unit(binary, profile, environment)


def launchd_state(printed):
    """The job's state in `launchctl print` output (running, waiting, ...), or "" when it says none."""
    found = re.search(r"^\s*state = (\S+)", printed, re.MULTILINE)
    return found.group(1) if found else ""


class TunnelError(Exception):
    """The service cannot run or did not start: the message gives the command to run by hand."""


class Launchd:
    """A launchd agent in the user's GUI domain, driven with launchctl bootstrap, bootout and print."""

    name = "launchd"

    def __init__(self, run, tool, uid, label, path):
        self.run, self.tool, self.label, self.path = run, tool, label, path
        self.domain = f"gui/{uid}"

    def unavailable(self):
        return None if self.tool else "launchctl is not on PATH"

    def state(self):
        """The job's state ("running", "waiting", ...), or None when the agent is not loaded."""
        rc, out, _err = self.run([self.tool, "print", f"{self.domain}/{self.label}"])
        return launchd_state(out) if rc == 0 else None

    def running(self):
        return self.state() == "running"

    def needs_start(self, file_changed):
        return file_changed or not self.running()

    def start(self, file_changed):
        state = self.state()
        if state is not None and file_changed:
            self.checked([self.tool, "bootout", f"{self.domain}/{self.label}"])
            state = None
        if state is None:
            self.checked([self.tool, "bootstrap", self.domain, self.path])
        elif state != "running":
            self.checked([self.tool, "kickstart", f"{self.domain}/{self.label}"])

    def loaded(self):
        return self.state() is not None

    def stop(self):
        self.checked([self.tool, "bootout", f"{self.domain}/{self.label}"])

    def after_remove(self):
        """Nothing: launchd forgets an agent once it is booted out."""

    def checked(self, command):
        rc, out, err = self.run(command)
        if rc != 0:
            raise TunnelError(f"`{shlex.join(command)}` failed (exit {rc}): {(err or out).strip()}")


class Systemd:
    """A systemd user unit, driven with systemctl --user."""

    name = "systemd"

    def __init__(self, run, tool, unit):
        self.run, self.tool, self.unit = run, tool, unit

    def systemctl(self, *args):
        return self.run([self.tool, "--user", *args])

    def unavailable(self):
        if not self.tool:
            return "systemctl is not on PATH"
        rc, out, err = self.systemctl("show-environment")
        if rc != 0:
            return f"`systemctl --user` cannot reach a user service manager: {(err or out).strip()}"
        return None

    def running(self):
        return self.systemctl("is-active", "--quiet", self.unit)[0] == 0

    def enabled(self):
        return self.systemctl("is-enabled", "--quiet", self.unit)[0] == 0

    def needs_start(self, file_changed):
        return file_changed or not (self.running() and self.enabled())

    def start(self, file_changed):
        was_running = self.running()
        if file_changed:
            self.checked("daemon-reload")
        self.checked("enable", "--now", self.unit)
        if file_changed and was_running:
            self.checked("restart", self.unit)

    def loaded(self):
        return self.running() or self.enabled()

    def stop(self):
        self.checked("disable", "--now", self.unit)

    def after_remove(self):
        self.checked("daemon-reload")

    def checked(self, *args):
        rc, out, err = self.systemctl(*args)
        if rc != 0:
            command = shlex.join([self.tool, "--user", *args])
            raise TunnelError(f"`{command}` failed (exit {rc}): {(err or out).strip()}")


def cannot_run(manager, reason, command):
    """The message of a tunnel the stack cannot run as a service: why, and the command to run instead."""
    kind = "a launchd agent" if manager == "launchd" else "a systemd user unit"
    return (
        f"Cannot run minikube tunnel as {kind}: {reason}. Run it by hand in a terminal and keep that terminal"
        f" open: `{command}`"
    )


def ensure(files, service, content, check_mode, wait):
    """Bring the service file to CONTENT (None: absent) and the service to running (or stopped and gone).

    FILES reads, writes and removes the service file; SERVICE is a Launchd or Systemd; WAIT(predicate) polls
    until the service runs. Return (changed, file_changed, before, running).
    """
    before = files.read()
    file_changed = before != content
    if content is None:
        reachable = service.unavailable() is None
        loaded = reachable and service.loaded()
        if not check_mode:
            if loaded:
                service.stop()
            if before is not None:
                files.remove()
                if reachable:
                    service.after_remove()
        return file_changed or loaded, file_changed, before, False
    reason = service.unavailable()
    if reason:
        raise TunnelError(reason)
    start = service.needs_start(file_changed)
    if check_mode:
        return file_changed or start, file_changed, before, service.running() and not start
    if file_changed:
        files.write(content)
    if start:
        service.start(file_changed)
    running = wait(service.running)
    return file_changed or start, file_changed, before, running
