# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Map what a host reports (uname) to the names minikube's releases use."""

from __future__ import annotations

# platform.system() -> the GOOS name minikube uses in its asset names.
OS_NAMES = {
    "linux": "linux",
    "darwin": "darwin",
    "windows": "windows",
}

# platform.machine() (lower-cased) -> the GOARCH name. Windows reports AMD64
# and ARM64 in capitals, Linux x86_64/aarch64, macOS x86_64/arm64.
ARCH_NAMES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "x64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "arm",
    "armv6l": "arm",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
}

# The OS/CPU pairs minikube publishes binaries for.
SUPPORTED = {
    "linux": ("amd64", "arm64", "arm", "ppc64le", "s390x"),
    "darwin": ("amd64", "arm64"),
    "windows": ("amd64",),
}

# Pairs that are no longer published: the last release that shipped them.
LAST_VERSION = {
    ("linux", "arm"): "v1.37.0",
}


class UnsupportedPlatformError(ValueError):
    """The host's OS/CPU pair has no minikube release asset."""


def supported_pairs():
    """Return the supported pairs as sorted 'os/arch' strings."""
    return sorted(f"{os_name}/{arch}" for os_name, arches in SUPPORTED.items() for arch in arches)


def asset_name(os_name, arch):
    """Return the release asset name for a supported pair."""
    suffix = ".exe" if os_name == "windows" else ""
    return f"minikube-{os_name}-{arch}{suffix}"


def describe(system, machine):
    """Return the minikube platform facts for a host's uname values.

    Raises UnsupportedPlatformError, naming what was detected and what is
    supported, when minikube publishes no binary for the pair.
    """
    os_name = OS_NAMES.get((system or "").strip().lower())
    arch = ARCH_NAMES.get((machine or "").strip().lower())
    if os_name is None or arch is None or arch not in SUPPORTED[os_name]:
        raise UnsupportedPlatformError(
            f"minikube publishes no binary for this host: detected system '{system}' and CPU '{machine}'"
            f" (normalised to {os_name or 'unknown'}/{arch or 'unknown'}). "
            f"Supported OS/CPU pairs: {', '.join(supported_pairs())}."
        )
    return {
        "os": os_name,
        "arch": arch,
        "asset": asset_name(os_name, arch),
        "last_version": LAST_VERSION.get((os_name, arch)),
        "system": system,
        "machine": machine,
    }
