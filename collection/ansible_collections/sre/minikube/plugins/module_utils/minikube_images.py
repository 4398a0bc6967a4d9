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


def look(params, runner):
    """Check PARAMS, hash the apps' sources into their references and list the cluster's images.

    Returns (the module's answer when nothing is to be built or in check mode, the Minikube context, the
    images missing, the result's fields of the apps' references); sets params["images"] from params["apps"].
    runner(argv) -> (rc, stdout, stderr) runs minikube. Raises ImagesError.
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
        before = minikube.images()
    except MinikubeError as error:
        raise ImagesError(error.describe(), **error.as_dict()) from None
    except OSError as error:
        raise ImagesError(f"cannot run {params['binary']}: {error}") from None
    missing = [image for image in params["images"] if image["ref"] not in before]
    present = [image["ref"] for image in params["images"] if image["ref"] in before]
    answer = {"changed": bool(missing), "built": [image["ref"] for image in missing], "present": present, **extra}
    return answer, minikube, missing, extra
