#!/usr/bin/env python3
"""Install the collections requirements.yml pins into this Python's environment, without Galaxy.

    .venv/bin/python tools/bundled_collections.py

Only PyPI may be reachable, and collections are not Python packages. The
`ansible` community package's wheel carries them all (470 MB installed); this
copies out only the collections requirements.yml names, at the versions it
pins, into site-packages/ansible_collections, where Ansible finds them on the
Python path as it finds the community package's. The wheel is the one
requirements-collections.txt pins by version and sha256; it is downloaded
once by pip (which checks the hash) into the cache ($SRE_MINIKUBE_CACHE/wheels,
~/.cache/sre-minikube/wheels by default) and checked again on each use.

Every pin is checked against the wheel before anything is written. A copy
this tool made earlier is replaced, a collection no longer pinned removed,
and an `ansible` package that an earlier set-up installed uninstalled. Exits
1, saying what to change, when requirements.yml pins a version the wheel
does not carry.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
REQUIREMENTS = TOP / "requirements.yml"
WHEEL_PIN = TOP / "requirements-collections.txt"
# In site-packages/ansible_collections: the collections this tool installed.
RECORD = "sre_minikube_collections.json"
EXACT_VERSION = re.compile(r"\d+\.\d+\.\d+")
PIN_LINE = re.compile(
    r"(?P<name>[A-Za-z0-9_.-]+)==(?P<version>[A-Za-z0-9_.+-]+)\s+--hash=sha256:(?P<sha256>[0-9a-f]{64})"
)


class BundleError(Exception):
    """Why the collections cannot be installed; the message says what to change."""


def pinned_collections(path=REQUIREMENTS):
    """requirements.yml's collections as {name: version}; each version must be exact (X.Y.Z)."""
    entries = (yaml.safe_load(pathlib.Path(path).read_text()) or {}).get("collections") or []
    pins = {}
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        version = str(entry.get("version", "")) if isinstance(entry, dict) else ""
        if not name or not EXACT_VERSION.fullmatch(version):
            raise BundleError(f"{path}: each collection needs a name and an exact version (X.Y.Z), not {entry!r}")
        pins[name] = version
    if not pins:
        raise BundleError(f"{path} lists no collections")
    return pins


def wheel_pin(path=WHEEL_PIN):
    """(project, version, sha256) of requirements-collections.txt's one requirement line."""
    lines = [line.strip() for line in pathlib.Path(path).read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    match = PIN_LINE.fullmatch(lines[0]) if len(lines) == 1 else None
    if not match:
        raise BundleError(f"{path}: expected one line NAME==VERSION --hash=sha256:HEX")
    return match["name"], match["version"], match["sha256"]


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip_download(pin_file, dest):
    """pip downloads the pinned wheel alone into DEST, refusing it unless its sha256 is the pinned one."""
    argv = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps"]
    argv += ["--only-binary", ":all:", "--require-hashes", "-r", str(pin_file), "-d", str(dest)]
    if subprocess.run(argv, check=False).returncode != 0:
        raise BundleError(f"pip could not download the wheel {pin_file} pins")


def fetch_wheel(pin_file, cache, download=pip_download):
    """The pinned wheel: the cache's copy when its sha256 is the pinned one, else downloaded into the cache."""
    name, version, digest = wheel_pin(pin_file)
    cache = pathlib.Path(cache)
    for cached in sorted(cache.glob(f"{name}-{version}-*.whl")):
        if sha256(cached) == digest:
            return cached
        cached.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        download(pin_file, pathlib.Path(tmp))
        wheels = list(pathlib.Path(tmp).glob(f"{name}-{version}-*.whl"))
        if len(wheels) != 1 or sha256(wheels[0]) != digest:
            raise BundleError(f"the download did not give one {name} {version} wheel with sha256 {digest}")
        wheel = cache / wheels[0].name
        os.replace(wheels[0], wheel)
    return wheel


def _remove(root, name):
    """Removes ROOT/<namespace>/<name> and the namespace's directory when nothing else is left in it."""
    target = root.joinpath(*name.split("."))
    if target.exists():
        shutil.rmtree(target)
    if target.parent.is_dir() and not any(target.parent.iterdir()):
        target.parent.rmdir()


def install(wheel, pins, site):
    """Copies each pinned collection out of WHEEL into SITE/ansible_collections; returns their names, sorted."""
    root = pathlib.Path(site) / "ansible_collections"
    with zipfile.ZipFile(wheel) as archive:
        entries = archive.infolist()
        chosen = {}
        for name, version in sorted(pins.items()):
            prefix = "ansible_collections/" + name.replace(".", "/") + "/"
            try:
                manifest = json.loads(archive.read(prefix + "MANIFEST.json"))
            except KeyError:
                raise BundleError(f"{wheel.name} carries no {name} collection") from None
            carried = manifest["collection_info"]["version"]
            if carried != version:
                raise BundleError(
                    f"{wheel.name} carries {name} {carried}, but requirements.yml pins {version}: pin {carried} "
                    f"there, or in requirements-collections.txt a wheel that carries {name} {version}"
                )
            chosen[name] = [entry for entry in entries if entry.filename.startswith(prefix)]
        record = root / RECORD
        earlier = json.loads(record.read_text()) if record.is_file() else []
        for name in sorted(set(earlier) | set(chosen)):
            _remove(root, name)
        for members in chosen.values():
            for entry in members:
                path = archive.extract(entry, site)
                mode = (entry.external_attr >> 16) & 0o777
                if mode & 0o111 and not entry.is_dir():
                    os.chmod(path, mode)
    root.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(sorted(chosen)) + "\n")
    return sorted(chosen)


def drop_community_package():
    """Uninstalls the `ansible` package (all of the community's collections) an earlier set-up installed."""
    try:
        importlib.metadata.distribution("ansible")
    except importlib.metadata.PackageNotFoundError:
        return
    argv = [sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "--disable-pip-version-check", "ansible"]
    if subprocess.run(argv, check=False).returncode != 0:
        raise BundleError("pip could not uninstall the ansible package an earlier set-up installed")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    cache = pathlib.Path(os.environ.get("SRE_MINIKUBE_CACHE") or "~/.cache/sre-minikube").expanduser()
    parser.add_argument("--cache", type=pathlib.Path, default=cache / "wheels", help="where the wheel is kept")
    args = parser.parse_args(argv)
    site = pathlib.Path(sysconfig.get_paths()["purelib"])
    try:
        pins = pinned_collections()
        wheel = fetch_wheel(WHEEL_PIN, args.cache)
        drop_community_package()
        names = install(wheel, pins, site)
    except BundleError as error:
        print(f"bundled_collections: {error}", file=sys.stderr)
        return 1
    listed = ", ".join(f"{name} {pins[name]}" for name in names)
    print(f"collections {listed} (from {wheel.name}) in {site / 'ansible_collections'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
