"""`minikube image build/ls/rm`: builds on the local Docker engine, listed per profile.

Image names are normalised the way containerd lists them; the default
domain is assembled at run time so that no registry host is written in
the repository.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from typing import TYPE_CHECKING

from .output import EX_OK, EX_USAGE, UsageError, fail

if TYPE_CHECKING:
    from .context import Context

# Image references without a domain are normalised to the default one.
DEFAULT_DOMAIN = ".".join(("docker", "io"))


def normalise_image(reference: str) -> str:
    """Fully qualify an image reference the way containerd lists it."""
    name, tag = reference, "latest"
    if "@" not in reference:
        last = reference.rsplit("/", 1)[-1]
        if ":" in last:
            name, tag = reference.rsplit(":", 1)
    first = name.split("/", 1)[0]
    has_domain = "/" in name and ("." in first or ":" in first or first == "localhost")
    if not has_domain:
        if "/" not in name:
            name = "library/" + name
        name = f"{DEFAULT_DOMAIN}/{name}"
    return f"{name}:{tag}" if "@" not in reference else name


def image(ctx: Context, args: list[str]) -> int:
    if not args:
        sys.stderr.write("Error: image needs a subcommand: build, ls, rm\n")
        return EX_USAGE
    sub, rest = args[0], args[1:]
    if ctx.state.load(ctx.profile) is None:
        # The image commands load the profile before anything else, and call its absence a usage error.
        raise fail(EX_USAGE, "MK_USAGE", f'loading profile: cluster "{ctx.profile}" does not exist')
    if sub == "build":
        return image_build(ctx, rest)
    if sub in ("ls", "list"):
        return image_ls(ctx, rest)
    if sub in ("rm", "remove", "unload"):
        return image_rm(ctx, rest)
    sys.stderr.write(f'Error: unknown command "{sub}" for "minikube image"\n')
    return EX_USAGE


def image_build(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube image build")
    parser.add_argument("-t", "--tag", default="")
    parser.add_argument("-f", "--file", default="")
    parser.add_argument("--build-opt", action="append", default=[])
    parser.add_argument("--build-env", action="append", default=[])
    parser.add_argument("--push", action="store_true")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("-n", "--node", default="")
    parser.add_argument("directory")
    opts = parser.parse_args(args)
    data = ctx.require()
    failed_exit = int(os.environ.get("MINIKUBE_DOUBLE_BUILD_EXIT_CODE", "0"))

    def build_failed(message: str) -> int:
        # minikube writes the failure to its log file only (the build's
        # own output is all stderr shows) and exits 0 anyway; the double
        # can be told to exit non-zero instead.
        with open(os.path.join(ctx.state.root, "build-failures.log"), "a", encoding="utf-8") as log:
            log.write(f"{ctx.profile}: {message}\n")
        return failed_exit

    if ctx.live_status(data) != "Running":
        return build_failed("host is not running")
    context = opts.directory
    if not os.path.isdir(context):
        return build_failed(f"{context}: no such directory")
    tag = opts.tag or f"{os.path.basename(os.path.abspath(context))}:latest"
    command = ["docker", "build", "-t", tag]
    if os.environ.get("MINIKUBE_DOUBLE_BUILD_NETWORK"):
        command += ["--network", os.environ["MINIKUBE_DOUBLE_BUILD_NETWORK"]]
    if opts.file:
        dockerfile = opts.file if os.path.isabs(opts.file) else os.path.join(context, opts.file)
        command += ["-f", dockerfile]
    containerd = data["Config"]["KubernetesConfig"]["ContainerRuntime"] == "containerd"
    for option in opts.build_opt:
        key, _, value = option.partition("=")
        if not containerd:
            # docker and cri-o: the option goes to `docker build` / `podman build` as it is.
            command += [f"--{key}", value] if value else [f"--{key}"]
        elif key == "opt" and value.startswith("build-arg:"):
            # containerd: BuildKit's `buildctl --opt build-arg:NAME=VALUE`.
            command += ["--build-arg", value.removeprefix("build-arg:")]
        elif key != "opt":
            # buildctl knows no such flag: it prints its usage, the build
            # does not happen, and minikube exits 0 all the same.
            sys.stdout.write(f"Incorrect Usage: flag provided but not defined: -{key}\n\n")
            sys.stderr.write(f"error: flag provided but not defined: -{key}\n")
            return build_failed(f"buildctl: unknown flag --{key}")
    env = dict(os.environ)
    for item in opts.build_env:
        key, _, value = item.partition("=")
        env[key] = value
    command.append(context)
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    # minikube passes the builder's whole output on to stderr.
    sys.stderr.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        return build_failed(f"docker build: exit status {result.returncode}")
    inspect = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}} {{.Size}}", tag],
        capture_output=True,
        text=True,
        check=False,
    )
    if inspect.returncode != 0:
        return build_failed(f"image {tag} not found after the build")
    image_id, size = inspect.stdout.split()
    full = normalise_image(tag)
    # The nodes that hold it, by their names in the profile ("" is the primary): minikube builds on the primary
    # unless told --all or --node.
    names = [node["Name"] for node in data["Config"]["Nodes"]]
    if opts.all:
        built_on = names
    elif opts.node:
        found = [node for node in data["Config"]["Nodes"] if opts.node in (node["Name"], machine(ctx.profile, node))]
        if not found:
            return build_failed(f"node {opts.node} does not exist")
        built_on = [found[0]["Name"]]
    else:
        built_on = [names[0]]
    before = next((i for i in data.get("Images", []) if i["tag"] == full and i["id"] == image_id), None)
    if before is not None:
        built_on = sorted(set(built_on) | set(on_nodes(before, names)), key=names.index)
    images = [i for i in data.get("Images", []) if i["tag"] != full]
    images.append({"tag": full, "local": tag, "id": image_id, "size": size, "Nodes": built_on})
    data["Images"] = images
    ctx.state.save(data)
    return EX_OK


def machine(profile: str, node: dict) -> str:
    """A node's machine name: the profile's for the primary, <profile>-<name> for the others."""
    return f"{profile}-{node['Name']}" if node["Name"] else profile


def on_nodes(image: dict, names: list[str]) -> list[str]:
    """The names of the nodes that hold IMAGE (an image recorded before nodes were tracked: all of them)."""
    return image.get("Nodes", names)


def present_images(data: dict) -> list[dict]:
    """The profile's images whose Docker image is still there (a pruned one is gone from the node too)."""
    present = []
    for image in data.get("Images", []):
        check = subprocess.run(
            ["docker", "image", "inspect", "--format", "{{.Id}}", image["local"]],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode == 0 and check.stdout.strip() == image["id"]:
            present.append(image)
    return present


def node_images(ctx: Context, data: dict, node: dict) -> int:
    """`sudo crictl images --output json` inside NODE: the images that node holds, as crictl prints them."""
    names = [entry["Name"] for entry in data["Config"]["Nodes"]]
    held = [i for i in present_images(data) if node["Name"] in on_nodes(i, names)]
    document = {
        "images": [
            {"id": i["id"], "repoTags": [i["tag"]], "repoDigests": [], "size": i["size"], "pinned": False} for i in held
        ]
    }
    print(json.dumps(document, indent=2))
    return EX_OK


def image_ls(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube image ls")
    parser.add_argument("--format", default="short")
    opts = parser.parse_args(args)
    data = ctx.require()
    running = ctx.live_status(data) == "Running"
    # Every node's images, merged, as minikube lists them.
    present = present_images(data) if running else []
    # containerd lists images in no particular order; neither does the double.
    random.shuffle(present)
    if opts.format == "json":
        document = [{"id": i["id"], "repoDigests": [], "repoTags": [i["tag"]], "size": i["size"]} for i in present]
        print(json.dumps(document, separators=(",", ":")))
    elif opts.format in ("short", ""):
        for image in present:
            print(image["tag"])
    elif opts.format == "table":
        print("| Image | Tag | Image ID | Size |")
        for image in present:
            name, _, tag = image["tag"].rpartition(":")
            print(f"| {name} | {tag} | {image['id'][7:20]} | {image['size']} |")
    else:
        sys.stderr.write(f"X Exiting due to MK_USAGE: unsupported format {opts.format!r}\n")
        return EX_USAGE
    return EX_OK


def image_rm(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube image rm")
    parser.add_argument("images", nargs="+")
    opts = parser.parse_args(args)
    data = ctx.require()
    wanted = {normalise_image(i) for i in opts.images}
    keep = []
    for image in data.get("Images", []):
        if image["tag"] in wanted:
            subprocess.run(["docker", "rmi", image["local"]], capture_output=True, check=False)
        else:
            keep.append(image)
    data["Images"] = keep
    ctx.state.save(data)
    return EX_OK
