# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: zip_yaml
short_description: The YAML documents of the members of a zip archive whose names match a pattern
version_added: 1.1.0
description:
  - Opens a zip archive on the controller (such as a Go module's zip from a module proxy) and returns every YAML
    document of the members whose names match O(pattern) (shell-style, C(*) does not cross C(/)), members in name
    order, documents in file order; empty documents are left out.
  - Fails, naming the archive, when it cannot be read or no member matches.
author:
  - sre.minikube maintainers (@sre-minikube)
options:
  _terms:
    description: The archive; exactly one (C(~) is the controller user's home).
    type: list
    elements: path
    required: true
  pattern:
    description: The member names to read, for example C(sigs.k8s.io/gateway-api@v1.4.1/config/crd/standard/*.yaml).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Read the Gateway API's standard CRDs out of its module zip
  ansible.builtin.set_fact:
    crds: >-
      {{ lookup('sre.minikube.zip_yaml', '/tmp/gateway-api.zip',
                pattern='sigs.k8s.io/gateway-api@v1.4.1/config/crd/standard/*.yaml') }}
"""

RETURN = r"""
_raw:
  description: The documents, each a dict.
  type: list
  elements: dict
"""

import os  # noqa: E402
import re  # noqa: E402
import zipfile  # noqa: E402

import yaml  # noqa: E402
from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402


def member_pattern(pattern):
    """A regular expression of a shell-style PATTERN whose * and ? stay within one path segment."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts) + r"\Z")


def read_documents(path, pattern):
    """Every non-empty YAML document of the members of the zip at PATH matching PATTERN, in name order."""
    matcher = member_pattern(pattern)
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if matcher.match(n))
            if not names:
                raise AnsibleLookupError(f"zip_yaml: no member of {path} matches {pattern!r}")
            documents = []
            for name in names:
                documents += [d for d in yaml.safe_load_all(archive.read(name)) if d]
    except (OSError, zipfile.BadZipFile, yaml.YAMLError) as error:
        raise AnsibleLookupError(f"zip_yaml: cannot read {path}: {error}") from error
    return documents


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) != 1:
            raise AnsibleLookupError(f"zip_yaml: give exactly one archive, not {terms!r}")
        return read_documents(os.path.expanduser(terms[0]), self.get_option("pattern"))
