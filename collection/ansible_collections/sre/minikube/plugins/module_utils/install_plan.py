# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What installing a minikube release on a host takes, decided from one look at the host.

The minikube_install role asks sre.minikube.minikube_install_plan once per
run. That module looks at the host in one process (its OS and CPU, the
install directory or its nearest existing parent, the installed binary's
version, the minikube that PATH runs first, Docker) and this file makes the
decisions: the settings' checks (each value matched as a whole, before
anything runs), the release asset, its URL and the checksum to verify it
against (never one fetched over plain http), how the installed version
compares with the requested one, and the messages that say what to change.
Whether writing the binary needs privilege escalation is the privilege
check's decision (module_utils/privileges.py, write_access), asked here.

The functions take what they look at as arguments (a ``runner`` for
commands, plain values for the rest) so that the unit tests drive them with
tables of cases.
"""

from __future__ import annotations

import os
import re

from ansible_collections.sre.minikube.plugins.module_utils.minikube import Minikube, run, together
from ansible_collections.sre.minikube.plugins.module_utils.platform import UnsupportedPlatformError, describe
from ansible_collections.sre.minikube.plugins.module_utils.privileges import write_access

_VERSION = re.compile(r"v[0-9]+\.[0-9]+\.[0-9]+")
# A base URL is printable ASCII (percent-encode the rest): no space, tab,
# newline or other control character can reach a request line or a message.
_URL_TEXT = re.compile(r"[!-~]+")
# <scheme>://<host>[/<path>], without userinfo, query or fragment: the role
# appends /<version>/<asset> to it, and prints it.
_BASE_URL = re.compile(r"(?P<scheme>https|http|file)://(?P<host>[^/?#@]*)(?P<path>/[^?#]*)?")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_ASSET = re.compile(r"minikube-[a-z0-9]+-[a-z0-9]+(?:\.exe)?")
# Absolute or under the connecting user's home; no whitespace, control
# character or ':' (the directory is meant to go into PATH).
_INSTALL_DIR = re.compile(r"(?:/|~/)[^\s\x00-\x1f\x7f-\x9f:]*|~")
_SEMVER = re.compile(
    r"v(0|[1-9][0-9]*)[.](0|[1-9][0-9]*)[.](0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:[+][0-9A-Za-z.-]+)?"
)

PREFLIGHT_OFF = "Hosts that only need the minikube binary can set minikube_install_preflight: false."
DOCKER_GROUP = (
    'add the user Ansible connects as to the docker group (sudo usermod -aG docker "$USER", then log in again)'
)


class PlanError(Exception):
    """A setting or a host that the role cannot install for; the message says what to change."""


# ---------------------------------------------------------------- settings


def settings_problems(version, base_url, sha256, install_dir, download_timeout, checksums=None):
    """Every setting that is wrong, one message each (empty when all are fine).

    Each text must match its rule as a whole: a trailing newline or a space
    is a wrong value, not a detail.
    """
    problems = []
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        problems.append(
            f"minikube_install_version must name one release exactly, such as v1.38.1 (got {version!r}); "
            "'latest', ranges and surrounding spaces or newlines are refused so that every run installs "
            "the same verified binary."
        )
    problems.extend(base_url_problems(base_url))
    if not isinstance(sha256, str) or (sha256 and not _SHA256.fullmatch(sha256)):
        problems.append(
            f"minikube_install_sha256 must be empty or exactly 64 hex digits, the sha256 of the asset itself "
            f"(got {sha256!r})."
        )
    problems.extend(checksums_problems(checksums or {}))
    if not isinstance(install_dir, str) or not _INSTALL_DIR.fullmatch(install_dir):
        problems.append(
            "minikube_install_dir must be an absolute path or start with ~/, without whitespace, control characters "
            f"or ':' (got {install_dir!r})."
        )
    if not isinstance(download_timeout, int) or download_timeout <= 0:
        problems.append(
            f"minikube_install_download_timeout must be a positive number of seconds (got {download_timeout!r})."
        )
    return problems


def base_url_problems(base_url):
    """What is wrong with minikube_install_base_url, as a list of at most one message."""
    rule = (
        "minikube_install_base_url must be an https://, http:// or file:/// URL of printable ASCII, "
        "without spaces, control characters, user:password@, '?' or '#'"
    )
    if not isinstance(base_url, str) or not _URL_TEXT.fullmatch(base_url):
        return [f"{rule}; percent-encode other characters (got {base_url!r})."]
    match = _BASE_URL.fullmatch(base_url)
    if not match:
        return [f"{rule} (got {base_url!r})."]
    if match["scheme"] == "file" and (match["host"] or not match["path"]):
        return [
            "minikube_install_base_url: a file URL names a directory on the host itself, "
            f"file:///srv/minikube/releases (three slashes, no host) (got {base_url!r})."
        ]
    if match["scheme"] != "file" and not match["host"]:
        return [f"minikube_install_base_url: an {match['scheme']} URL needs a host (got {base_url!r})."]
    return []


def checksums_problems(checksums):
    """What is wrong with minikube_install_checksums: {vX.Y.Z: {asset: sha256}}."""
    if not isinstance(checksums, dict):
        return [f"minikube_install_checksums must be a mapping of release to {{asset: sha256}} (got {checksums!r})."]
    problems = []
    for version, assets in checksums.items():
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            problems.append(
                f"minikube_install_checksums: {version!r} is not a release: each key must be exactly vX.Y.Z."
            )
            continue
        if not isinstance(assets, dict):
            problems.append(
                f"minikube_install_checksums[{version!r}] must be a mapping of asset name to sha256 (got {assets!r})."
            )
            continue
        for asset, digest in assets.items():
            if not isinstance(asset, str) or not _ASSET.fullmatch(asset):
                problems.append(
                    f"minikube_install_checksums[{version!r}]: {asset!r} is not a release asset name "
                    "(minikube-<os>-<arch>, .exe for Windows)."
                )
            elif not isinstance(digest, str) or not _SHA256.fullmatch(digest):
                problems.append(
                    f"minikube_install_checksums[{version!r}][{asset!r}] must be exactly 64 hex digits "
                    f"(got {digest!r})."
                )
    return problems


# ---------------------------------------------------------------- versions


def semver_key(version):
    """A sort key for vX.Y.Z[-pre][+build] (semver precedence); None for any other text."""
    match = _SEMVER.fullmatch(version or "")
    if not match:
        return None
    major, minor, patch, pre = match.groups()
    # A release sorts after its pre-releases; numeric identifiers sort
    # numerically and before alphanumeric ones.
    pre_key = (1,) if pre is None else (0, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")))
    return (int(major), int(minor), int(patch), pre_key)


def change_kind(current, requested):
    """none (nothing or the requested release there), upgrade, downgrade, or other (cannot be ordered)."""
    if current in ("", requested):
        return "none"
    have, want = semver_key(current), semver_key(requested)
    if have is None or want is None or have == want:
        return "other"
    return "downgrade" if have > want else "upgrade"


# ---------------------------------------------------------------- release


def release(platform_facts, version, base_url, sha256, checksums):
    """The asset, its URL and the checksum (or the URL of the .sha256) to verify it against.

    Raises PlanError when minikube publishes no such binary for the host, and
    when the base URL is plain http and no checksum is pinned for the asset.
    """
    asset = platform_facts["asset"]
    known = (checksums or {}).get(version) or {}
    last = platform_facts["last_version"]
    published = (
        platform_facts["os"] in ("linux", "darwin")
        and (last is None or semver_key(version) <= semver_key(last))
        and (not known or asset in known)
    )
    if not published:
        if platform_facts["os"] == "windows":
            way = (
                "This role installs on Linux and macOS hosts; install minikube on Windows "
                "with its installer or a package manager."
            )
        elif last is not None:
            way = f"The last release with this asset is {last}: set minikube_install_version to it or older."
        else:
            way = f"Published assets of {version}: {', '.join(sorted(known))}."
        raise PlanError(
            f"minikube {version} has no {asset} for this host "
            f"({platform_facts['system']}/{platform_facts['machine']}). {way}"
        )
    url = f"{base_url.rstrip('/')}/{version}/{asset}"
    pinned = (sha256 or known.get(asset) or "").lower()
    # Over plain http the .sha256 comes from the same unauthenticated server as
    # the binary: whoever can change one can change both, so it proves
    # nothing. https authenticates the server; a file:// mirror is local.
    if not pinned and url.startswith("http://"):
        raise PlanError(
            f"minikube_install_base_url {base_url} is plain http and the sha256 of minikube {version}'s {asset} is not "
            "pinned: its .sha256 would come from the same unauthenticated server as the binary, so anyone between "
            "them could replace both and the role would run and install their file. Use an https:// or file:/// "
            f"mirror, or pin the digest: minikube_install_sha256, or minikube_install_checksums['{version}']"
            f"['{asset}'] (the 64 hex digits of the published {asset}.sha256, read over https)."
        )
    return {"asset": asset, "url": url, "checksum": pinned or f"{url}.sha256", "checksum_pinned": bool(pinned)}


# ---------------------------------------------------------------- install directory


def locate(install_dir, uid, exists=None, isdir=None, writable=None):
    """Where the binary goes and whether writing there needs privilege escalation.

    ``install_dir`` is already expanded (``~`` resolved for the connecting
    user, whose id is ``uid``). Escalation is needed exactly when the
    privilege check's write_access() says the user cannot write there (a
    missing directory counts as created in its nearest existing parent).
    Raises PlanError when the path exists but is not a directory.
    """
    exists, isdir = exists or os.path.exists, isdir or os.path.isdir
    path = install_dir.rstrip("/") or "/"
    if exists(path) and not isdir(path):
        raise PlanError(f"minikube_install_dir {install_dir} exists on this host but is not a directory.")
    access = write_access(path, uid, writable=writable, exists=exists)
    return {
        "dir": path,
        "exists": access["nearest"] == path,
        "become": not access["writable"],
        "binary": os.path.join(path, "minikube"),
    }


# ---------------------------------------------------------------- PATH


def first_on_path(search_path, binary, is_executable=None, same_file=None):
    """The minikube that PATH runs first once ``binary`` is installed: (path, whether it is ``binary``).

    ('', False) when PATH holds none. A PATH entry that leads to the
    installed binary (its directory, a link to it, the same file) counts
    as the installed binary, whether or not it is installed yet.
    """
    if is_executable is None:
        is_executable = _executable
    if same_file is None:
        same_file = _same_file
    for entry in (search_path or "").split(os.pathsep):
        candidate = os.path.join(entry or ".", "minikube")
        if same_file(candidate, binary):
            return candidate, True
        if is_executable(candidate):
            return candidate, False
    return "", False


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _same_file(one, other):
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def short_version(runner, binary):
    """What `<binary> version --short` says, or 'version unknown'."""
    try:
        rc, stdout, _stderr = runner([binary, "version", "--short"])
    except OSError:
        return "version unknown"
    answer = stdout.strip()
    return answer if rc == 0 and re.match(r"v[0-9]", answer) else "version unknown"


# ---------------------------------------------------------------- Docker


def docker_problem(answer):
    """The preflight's message for `docker version`'s answer (rc, stdout, stderr; None: could not run); '' if fine."""
    if answer is not None and answer[0] == 0:
        return ""
    if answer is None or (not answer[1] and not answer[2]):
        return (
            "Preflight for minikube's docker driver failed on this host: the docker CLI could not be run: "
            "it is not installed (or not on PATH). Install Docker (Docker Engine on Linux, Docker Desktop on macOS), "
            f"start it, and {DOCKER_GROUP}. {PREFLIGHT_OFF}"
        )
    return (
        f"Preflight for minikube's docker driver failed on this host: `docker version` exited {answer[0]} "
        f"({answer[2].strip()}). Start the Docker daemon (sudo systemctl start docker, or open Docker Desktop) and, "
        f"if the error says permission denied, {DOCKER_GROUP}. {PREFLIGHT_OFF}"
    )


# The module's options (sre.minikube.minikube_install_plan); its action plugin checks them the same way when it
# makes the plan on the controller.
ARGUMENT_SPEC = {
    "version": {"type": "str", "required": True},
    "base_url": {"type": "str", "required": True},
    "sha256": {"type": "str", "default": ""},
    "checksums": {"type": "dict", "default": {}},
    "dir": {"type": "str", "required": True},
    "download_timeout": {"type": "int", "default": 60},
    "preflight": {"type": "bool", "default": True},
}

# ---------------------------------------------------------------- running


# The runner of the plan's commands: minikube.run (module_utils/minikube.py).


# ---------------------------------------------------------------- the plan


def plan(params, system, machine, environ, runner=None):
    """The whole plan for the module's parameters; raises PlanError with the first problem found.

    ``params``: version, base_url, sha256, checksums, dir (``~`` expanded),
    download_timeout, preflight. ``environ``: the connecting user's
    environment (its PATH is searched).
    """
    runner = runner or run
    problems = settings_problems(
        params["version"],
        params["base_url"],
        params["sha256"],
        params["dir"],
        params["download_timeout"],
        params["checksums"],
    )
    if problems:
        raise PlanError(" ".join(problems))
    try:
        platform_facts = describe(system, machine)
    except UnsupportedPlatformError as error:
        raise PlanError(str(error)) from None
    result = {"platform": platform_facts}
    result.update(release(platform_facts, params["version"], params["base_url"], params["sha256"], params["checksums"]))
    place = locate(os.path.expanduser(params["dir"]), os.geteuid())

    # The two commands a re-run cannot do without run side by side.
    minikube = Minikube(place["binary"], runner)
    calls = [minikube.version]
    if params["preflight"]:
        calls.append(lambda: runner(["docker", "version"]))
    outcomes = together(*calls)
    # A command that cannot be started is an answer (no minikube, no docker
    # CLI); anything else is a fault to report as it is.
    faults = [error for _answer, error in outcomes if error is not None and not isinstance(error, OSError)]
    if faults:
        raise faults[0]
    if params["preflight"]:
        problem = docker_problem(outcomes[1][0])
        if problem:
            raise PlanError(problem)
    current = outcomes[0][0] or ""

    search_path = environ.get("PATH", os.defpath)
    first, is_installed = first_on_path(search_path, place["binary"])
    shadowed = bool(first) and not is_installed
    result.update(
        dir=place["dir"],
        dir_exists=place["exists"],
        become=place["become"],
        binary=place["binary"],
        current=current,
        change=change_kind(current, params["version"]),
        path={
            "search_path": search_path,
            "first": first,
            "shadowed": shadowed,
            "other_version": short_version(runner, first) if shadowed else "",
        },
        docker_checked=bool(params["preflight"]),
    )
    return result
