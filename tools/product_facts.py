#!/usr/bin/env python3
"""Print a fact of the product, read from the one file that holds it, for make and the test harness.

    python3 tools/product_facts.py services          # the services' names, one a line
    python3 tools/product_facts.py minikube-version  # the minikube release the product installs

The services come from apps/services.yml through the collection's one reader
(plugins/module_utils/services.py); the minikube release from the install
role's defaults (roles/minikube_install/defaults/main.yml,
minikube_install_version). Python callers import this file's functions
(services(), minikube_version()) instead of running it. Exits 1, saying
what is wrong, when the file cannot be read.
"""

from __future__ import annotations

import pathlib
import sys

import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
COLLECTIONS = TOP / "collection"
MINIKUBE_DEFAULTS = TOP / "roles" / "minikube_install" / "defaults" / "main.yml"
MINIKUBE_VERSION = "minikube_install_version"

if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

from ansible_collections.sre.minikube.plugins.module_utils import services as _services  # noqa: E402


class FactError(Exception):
    """A fact that cannot be read; the message names the file."""


def services(path=None):
    """The services of apps/services.yml (or of PATH), each a dict, in the file's order."""
    try:
        return _services.read(str(path) if path else _services.default_file())
    except _services.ServicesFileError as error:
        raise FactError(str(error)) from None


def service_names(path=None):
    """The services' names: each an app's directory under apps/ and its image."""
    return _services.names(services(path))


def minikube_version(path=MINIKUBE_DEFAULTS):
    """The minikube release the product installs (vX.Y.Z), as the install role's defaults hold it."""
    try:
        defaults = yaml.safe_load(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FactError(f"cannot read {path}: {error}") from None
    version = defaults.get(MINIKUBE_VERSION) if isinstance(defaults, dict) else None
    if not isinstance(version, str) or not version.startswith("v"):
        raise FactError(f"{path} holds no {MINIKUBE_VERSION} of the form vX.Y.Z (got {version!r})")
    return version


FACTS = {
    "services": lambda: "\n".join(service_names()),
    "minikube-version": minikube_version,
}


def main(argv):
    if len(argv) != 1 or argv[0] not in FACTS:
        print(f"usage: product_facts.py {{{'|'.join(FACTS)}}}", file=sys.stderr)
        return 2
    try:
        print(FACTS[argv[0]]())
    except FactError as error:
        print(f"product_facts: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
