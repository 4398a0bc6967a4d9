# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sre.minikube.minikube_images's options and its look: which of the images the cluster lacks.

The module and its action plugin share them: the plugin looks first (in the
controller's process when the host is the controller), and only when an
image is missing does the module run, as a job, to build it.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.context_hash import APP_ARG, DockerfileError, image_refs
from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    Minikube,
    MinikubeError,
    argument_spec,
    common_checks,
    together,
)

# The module's options (sre.minikube.minikube_images), and the rules between them.
ARGUMENT_SPEC = {
    **argument_spec(profile=True),
    "apps": {"type": "list", "elements": "str"},
    "context": {"type": "path"},
    "dockerfile": {"type": "str", "default": "Dockerfile"},
    "tag_length": {"type": "int", "default": 16},
    "images": {
        "type": "list",
        "elements": "dict",
        "options": {
            "ref": {"type": "str", "required": True},
            "context": {"type": "path", "required": True},
            "dockerfile": {"type": "str", "default": ""},
            "build_args": {"type": "dict", "default": {}},
        },
    },
    "build_args": {"type": "dict", "default": {}},
    "container_runtime": {"type": "str", "default": "containerd", "choices": ["containerd", "docker", "cri-o"]},
    "progress_file": {"type": "path", "default": ""},
    "timeout": {"type": "int", "default": 3600},
}
CONSTRAINTS = {
    "required_one_of": [("apps", "images")],
    "mutually_exclusive": [("apps", "images")],
    "required_by": {"apps": "context"},
}


class ImagesError(Exception):
    """The look failed: the message, and the result's other fields."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.result = result


def image_checks(params):
    """What each option that reaches minikube's command line must be."""
    checks = common_checks(params) + [
        {"name": "apps", "value": params["apps"] or [], "rule": "dns_label", "elements": True},
        {"name": "context", "value": params["context"], "rule": "path", "optional": True},
        {"name": "dockerfile", "value": params["dockerfile"], "rule": "path"},
        {"name": "build_args", "value": params["build_args"], "rule": "env_name", "elements": True},
        {"name": "progress_file", "value": params["progress_file"], "rule": "path", "optional": True},
    ]
    checks += [
        {"name": f"build_args[{key!r}]", "value": value, "rule": "text"} for key, value in params["build_args"].items()
    ]
    for index, image in enumerate(params["images"] or []):
        where = f"images[{index}]"
        checks += [
            {"name": f"{where}.ref", "value": image["ref"], "rule": "image_reference"},
            {"name": f"{where}.context", "value": image["context"], "rule": "path"},
            {"name": f"{where}.dockerfile", "value": image["dockerfile"], "rule": "path", "optional": True},
            {"name": f"{where}.build_args", "value": image["build_args"], "rule": "env_name", "elements": True},
        ]
        checks += [
            {"name": f"{where}.build_args[{key!r}]", "value": value, "rule": "text"}
            for key, value in image["build_args"].items()
        ]
    return checks


def held(minikube):
    """What the cluster holds: (its nodes' machine names, the references each holds: node -> set).

    One node: `minikube image ls`. Several: each node's own list, asked side by side, since `image ls` merges
    the nodes' lists, where an image one node lacks (a node added after the build) does not show. The runner
    must raise rather than end a module (the calls run on threads). Raises MinikubeError or OSError.
    """
    (listed, list_error), (profiles, profiles_error) = together(minikube.images, minikube.profiles)
    if list_error is not None:
        raise list_error
    if profiles_error is not None:
        raise profiles_error
    nodes = (profiles.get(minikube.profile) or {}).get("nodes") or []
    if len(nodes) < 2:
        return nodes, {node: listed for node in nodes or [minikube.profile]}
    outcomes = together(*[lambda node=node: minikube.node_images(node) for node in nodes])
    for _refs, error in outcomes:
        if error is not None:
            raise error
    return nodes, {node: refs for node, (refs, _error) in zip(nodes, outcomes, strict=True)}


def lacking(images, holdings):
    """The images some node lacks: node -> refs (held), for each image the nodes without it."""
    return {image["ref"]: [node for node, refs in holdings.items() if image["ref"] not in refs] for image in images}


def look(params, runner):
    """Check PARAMS, hash the apps' sources into their references and list what each node of the cluster holds.

    Returns (the module's answer when nothing is to be built or in check mode, the Minikube context, the
    images missing, the result's fields of the apps' references and of the nodes); sets params["images"] from
    params["apps"]. runner(argv) -> (rc, stdout, stderr) runs minikube, and raises rather than ending a module.
    On a cluster of several nodes an image is missing when one node lacks it, and is built on every node.
    Raises ImagesError.
    """
    found = problems(image_checks(params))
    if found:
        raise ImagesError(" ".join(found), problems=found)
    refs = None
    if params["apps"] is not None:
        try:
            refs = image_refs(params["context"], params["apps"], params["dockerfile"], params["tag_length"])
        except (OSError, DockerfileError) as error:
            raise ImagesError(f"cannot hash the apps' sources: {error}") from None
        except ValueError as error:
            raise ImagesError(str(error)) from None
        params["images"] = [
            {
                "ref": f"{ref['image']}:{ref['tag']}",
                "context": params["context"],
                "dockerfile": params["dockerfile"],
                "build_args": {APP_ARG: app},
            }
            for app, ref in refs.items()
        ]
    extra = {} if refs is None else {"refs": refs}
    minikube = Minikube(params["binary"], runner, params["profile"])
    try:
        nodes, holdings = held(minikube)
    except MinikubeError as error:
        raise ImagesError(error.describe(), **error.as_dict()) from None
    except OSError as error:
        raise ImagesError(f"cannot run {params['binary']}: {error}") from None
    extra["nodes"] = nodes
    without = lacking(params["images"], holdings)
    missing = [image for image in params["images"] if without[image["ref"]]]
    present = [image["ref"] for image in params["images"] if not without[image["ref"]]]
    answer = {
        "changed": bool(missing),
        "built": [image["ref"] for image in missing],
        "present": present,
        "lacking": {ref: lacked for ref, lacked in without.items() if lacked and len(nodes) > 1},
        **extra,
    }
    return answer, minikube, missing, extra
