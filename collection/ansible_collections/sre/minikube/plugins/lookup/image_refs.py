# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: image_refs
short_description: The content-derived image references of apps, hashed from the sources on the controller
version_added: 1.0.0
description:
  - Hashes what each app's image build reads (the Dockerfile, C(.dockerignore), the files its C(COPY) and C(ADD)
    instructions take for the app, and the build argument C(APP)) and returns one dict, app name ->
    C({image, tag}), the tag being the first O(tag_length) hex digits of the hash. The same hash
    M(sre.minikube.minikube_images) tags its builds with, so the references match what the build stage built.
  - It runs on the controller, inside the ansible-playbook process, and starts no module process. It reads the
    sources on the controller; that is where they are when the stack's host is the controller itself
    (C(localhost), as in the stack's inventory). For a remote host, compute the references where the images are
    built (M(sre.minikube.minikube_images) returns them).
  - Fails, saying which directory or file is missing, when O(context) does not hold the Dockerfile or an app's
    directory.
author:
  - sre.minikube maintainers (@sre-minikube)
options:
  _terms:
    description: The apps; each is a directory under O(context) and the image name. Lists are flattened.
    type: list
    elements: str
    required: true
  context:
    description: The build context of every app (a directory on the controller).
    type: path
    required: true
  dockerfile:
    description: The Dockerfile, relative to O(context).
    type: str
    default: Dockerfile
  tag_length:
    description: Hex digits of the content hash used as the tag (8 to 64).
    type: int
    default: 16
  registry:
    description: C(host[:port][/path]) the images are named under; empty names each image after its app.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Find the tags of the current sources
  ansible.builtin.set_fact:
    image_build_refs: >-
      {{ lookup('sre.minikube.image_refs', 'invoice-app', 'payment-provider', context=playbook_dir ~ '/apps') }}
"""

RETURN = r"""
_raw:
  description: One dict, app name -> C({image, tag}).
  type: list
  elements: dict
  sample:
    - invoice-app: {image: invoice-app, tag: 2a8f0f90e0333a52}
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402
from ansible_collections.sre.minikube.plugins.module_utils.context_hash import DockerfileError, image_refs  # noqa: E402


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        apps = []
        for term in terms:
            apps.extend(term if isinstance(term, list) else [term])
        if not apps or not all(isinstance(app, str) and app for app in apps):
            raise AnsibleLookupError(f"image_refs: name the apps (directories of the build context), not {apps!r}")
        context = self.get_option("context")
        try:
            refs = image_refs(
                context,
                apps,
                dockerfile=self.get_option("dockerfile"),
                tag_length=self.get_option("tag_length"),
                registry=self.get_option("registry"),
            )
        except (OSError, DockerfileError) as error:
            raise AnsibleLookupError(
                f"image_refs: cannot hash the apps' sources on the controller: {error}. The tags are computed from"
                " the sources in the build context on the machine that runs ansible-playbook; run it from the"
                " checkout that holds them, or point the context at them."
            ) from None
        except ValueError as error:
            raise AnsibleLookupError(f"image_refs: {error}") from None
        return [refs]
