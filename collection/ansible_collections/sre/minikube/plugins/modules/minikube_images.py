#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_images
short_description: Build the images a minikube cluster lacks, inside the cluster
version_added: 1.0.0
description:
  - The action plugin looks first (which images the cluster lacks) and runs the module, as a background job, only
    when one must be built; with a local connection, no privilege escalation and no task environment (the host is the
    controller) that look is made in the controller's own process, with the module's own code and options.
  - Lists the cluster's images with C(minikube image ls --format=json) and builds each requested reference that is
    missing with C(minikube image build), in the cluster's own container runtime. Present references are not rebuilt.
  - minikube exits 0 even when a build fails, so the images are listed again after the builds; a reference still
    missing fails the module with the builder's error lines.
  - On a cluster of several nodes each node's own images are listed (C(minikube ssh -n <node> -- sudo crictl
    images), as C(image ls) merges them), a reference one node lacks (such as a node added after the build) is
    missing, and it is built on every node (C(minikube image build --all)), which each node's build cache makes
    quick where the image was already built.
  - A profile that does not exist or does not run fails the module with minikube's reason and what to do about it.
  - While the images build, each build step is printed as the builder starts it, over any connection; the
    module's action plugin runs it asynchronously and prints the lines it appends to a progress file.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
  - sre.minikube.minikube.profile
  - ansible.builtin.action_common_attributes.flow
  - sre.minikube.minikube.action
attributes:
  check_mode:
    support: full
    details: Reports the references it would build and builds nothing.
options:
  apps:
    description:
      - Apps built from one build context, O(context), each with the build argument C(APP) set to its name and
        tagged with the content hash of what its build reads (the hash of M(sre.minikube.image_refs)); the image is
        named after the app. The module computes the references itself, on the host that builds, and returns them
        as RV(refs).
      - Give either O(apps) or O(images).
    type: list
    elements: str
  context:
    description: The build context of O(apps).
    type: path
  dockerfile:
    description: The Dockerfile of O(apps), relative to O(context).
    type: str
    default: Dockerfile
  tag_length:
    description: Hex digits of the content hash used as the tag of O(apps) (8 to 64).
    type: int
    default: 16
  images:
    description:
      - The images that must be present, by reference.
      - Give either O(apps) or O(images).
    type: list
    elements: dict
    suboptions:
      ref:
        description: The image reference (name:tag) the build is tagged with.
        type: str
        required: true
      context:
        description: The build context directory.
        type: path
        required: true
      dockerfile:
        description: The Dockerfile, relative to the context; empty uses the context's C(Dockerfile).
        type: str
        default: ""
      build_args:
        description: Build arguments of this image's build, on top of O(build_args) (this image's value wins).
        type: dict
        default: {}
  build_args:
    description:
      - Build arguments given to every build. They are not part of the tag; use them for how to build, never for
        what is built.
    type: dict
    default: {}
  progress_file:
    description:
      - A file the module appends readable progress lines to while the images build (each build step as the
        builder starts it). The action plugin sets it and prints the lines as they arrive; empty writes none.
    type: path
    default: ""
  timeout:
    description: Seconds the builds may take before they are given up (when run through the action plugin).
    type: int
    default: 3600
  container_runtime:
    description:
      - The cluster's container runtime; it decides how build arguments are passed
        (BuildKit's C(--build-opt=opt=build-arg:) on containerd, C(--build-opt=build-arg=) on docker).
    type: str
    choices: [containerd, docker, cri-o]
    default: containerd
"""

EXAMPLES = r"""
- name: Build the services' images in the cluster, tagged with the content hash of their sources
  sre.minikube.minikube_images:
    profile: sre-minikube
    context: apps
    apps: [invoice-app, payment-provider]
  register: images
# images.refs: {invoice-app: {image: invoice-app, tag: ...}, payment-provider: {...}}

- name: Build given references
  sre.minikube.minikube_images:
    profile: sre-minikube
    images:
      - ref: invoice-app:0123abcd
        context: apps
        build_args:
          APP: invoice-app
      - ref: payment-provider:4567ef01
        context: apps
        build_args:
          APP: payment-provider
"""

RETURN = r"""
built:
  description: The references this run built (in check mode, the ones it would build).
  type: list
  elements: str
  returned: always
  sample: [invoice-app:0123abcd]
present:
  description: The requested references that were present before the run.
  type: list
  elements: str
  returned: always
nodes:
  description: The cluster's nodes (machine names), as C(minikube profile list) lists them.
  type: list
  elements: str
  returned: always
  sample: [sre-minikube, sre-minikube-m02]
lacking:
  description: On a cluster of several nodes, each reference some node lacked before the run, with those nodes.
  type: dict
  returned: always
  sample: {"invoice-app:0123abcd": [sre-minikube-m02]}
refs:
  description: With O(apps), each app's image and content tag.
  type: dict
  returned: when O(apps) is given
  sample: {invoice-app: {image: invoice-app, tag: 2a8f0f90e0333a52}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    MinikubeError,
    ProgressFile,
    build_failure,
    build_progress,
    command_line,
    stream,
)
from ansible_collections.sre.minikube.plugins.module_utils.minikube_images import (
    ARGUMENT_SPEC,
    CONSTRAINTS,
    ImagesError,
    held,
    lacking,
    look,
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **CONSTRAINTS)
    params = module.params
    try:
        answer, minikube, missing, extra = look(params, lambda args: module.run_command(args, handle_exceptions=False))
    except ImagesError as error:
        module.fail_json(msg=str(error), **error.result)
    if module.check_mode or not missing:
        module.exit_json(**answer)
    built = answer["built"]
    present = answer["present"]

    progress = ProgressFile(params["progress_file"])
    outputs = {}
    for image in missing:
        argv = minikube.build_argv(
            image["ref"],
            image["context"],
            dockerfile=image["dockerfile"],
            build_args=dict(params["build_args"], **image["build_args"]),
            runtime=params["container_runtime"],
            all_nodes=len(extra["nodes"]) > 1,
        )
        ref = image["ref"]
        progress.write(f"building {ref} from {image['context']}")

        def on_build_line(line, ref=ref):
            step = build_progress(line)
            if step:
                progress.write(f"{ref}: {step}")

        rc, _stdout, stderr = stream(argv, lambda event: progress.write(event.message), on_stderr=on_build_line)
        outputs[ref] = (argv, rc, stderr)
    try:
        _nodes, holdings = held(minikube)
    except (MinikubeError, OSError) as error:
        said = error.describe() if isinstance(error, MinikubeError) else f"cannot run {params['binary']}: {error}"
        module.fail_json(msg=said, changed=True, **(error.as_dict() if isinstance(error, MinikubeError) else {}),
                         **extra)  # fmt: skip
    without = lacking(missing, holdings)
    failed = [ref for ref in built if without[ref]]
    if failed:
        reports = []
        for ref in failed:
            argv, rc, stderr = outputs[ref]
            why = build_failure(stderr) or [line for line in stderr.splitlines() if line.strip()][-3:]
            where = f" on {', '.join(without[ref])}" if len(holdings) > 1 else ""
            reports.append(
                f"`{command_line(argv)}` exited {rc} but {ref} is not in the cluster{where} afterwards"
                f" (minikube exits 0 even when a build fails). The builder said: " + " / ".join(why)
            )
        done = [ref for ref in built if not without[ref]]
        module.fail_json(msg="\n".join(reports), changed=True, built=done, failed_refs=failed, **extra)
    module.exit_json(changed=True, built=built, present=present, lacking=answer["lacking"], **extra)


if __name__ == "__main__":
    main()
