#!/usr/bin/env bash
# Installs the built collection artifact into an empty collections path and
# uses it from a directory outside the clone, the way a user who installed
# only the artifact does: its modules run, its roles' documentation renders,
# and its site playbook runs. A broken build (a file missing from the
# tarball, a bad galaxy.yml, a role or path the installed playbook cannot
# find) fails here rather than on a user's machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
galaxy="$top/collection/ansible_collections/sre/minikube/galaxy.yml"

version=$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$galaxy")
artifact="$top/dist/sre-minikube-$version.tar.gz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What the artifact must hold besides the modules.
tar -tzf "$artifact" >"$work/contents"
for path in LICENSE playbooks/site.yml playbooks/inventory/group_vars/all.yml \
  playbooks/playbooks/sre_minikube_settings/defaults/main.yml playbooks/playbooks/summary.yml \
  roles/app_deploy/meta/argument_specs.yml roles/cluster_addons/meta/argument_specs.yml \
  roles/dns_resolver/meta/argument_specs.yml roles/image_build/meta/argument_specs.yml \
  roles/minikube_install/meta/argument_specs.yml roles/verify/meta/argument_specs.yml \
  roles/app_deploy/README.md roles/cluster_addons/README.md roles/dns_resolver/README.md \
  roles/image_build/README.md roles/minikube_install/README.md roles/verify/README.md; do
  grep -qx "$path" "$work/contents" || { echo "the artifact lacks $path" >&2; exit 1; }
done

# Galaxy's own import check (galaxy-importer, without containers or
# ansible-test) accepts the artifact, and refuses it without the repository
# link or a role's README: a refusal fails the test.
SRE_MINIKUBE_ARTIFACT=$artifact python -m pytest -q -p no:cacheprovider "$top/tests/harness/test_galaxy_import.py"

# Only the installed copy may be found: not the work tree's (no ansible.cfg,
# no roles/ beside the playbook), not the venv's.
cd "$work"
unset ANSIBLE_CONFIG ANSIBLE_ROLES_PATH
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --no-deps --force -p "$work/collections" "$artifact" >/dev/null
installed="$work/collections/ansible_collections/sre/minikube"

# Dependencies: galaxy.yml declares exactly the collections of
# requirements.yml that the artifact's roles, playbooks and plugins use
# (the clone's own, such as ansible.posix for its ansible.cfg, stay out),
# each with a range that holds the version requirements.yml pins.
python - "$installed" "$top/requirements.yml" <<'EOF'
import json
import pathlib
import re
import sys

import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

installed = pathlib.Path(sys.argv[1])
declared = json.loads((installed / "MANIFEST.json").read_text())["collection_info"]["dependencies"]
pinned = {c["name"]: str(c["version"]) for c in yaml.safe_load(open(sys.argv[2]))["collections"]}
code = "\n".join(
    path.read_text()
    for folder in ("roles", "playbooks", "plugins", "meta")
    for path in (installed / folder).rglob("*")
    if path.suffix in (".yml", ".yaml", ".py", ".j2") and path.is_file()
)
used = {name for name in pinned if re.search(r"\b" + re.escape(name) + r"\.[a-z_]", code)}
problems = [f"the artifact uses {name} but galaxy.yml does not declare it" for name in sorted(used - set(declared))]
problems += [f"galaxy.yml declares {name}, which the artifact does not use" for name in sorted(set(declared) - used)]
problems += [
    f"galaxy.yml's range {declared[name]!r} for {name} does not hold {pinned[name]}, the version requirements.yml pins"
    for name in sorted(set(declared) & set(pinned))
    if not meets_requirements(pinned[name], declared[name])
]
if problems:
    sys.exit("\n".join(problems))
print("dependencies:", ", ".join(f"{name} {declared[name]}" for name in sorted(declared)))
EOF

# Execution-environment metadata: meta/execution-environment.yml names the
# collection's Python requirements, and `ansible-builder introspect` on the
# installed collection lists a requirement for every package its plugins
# import beyond the standard library and ansible-core's own requirements.
# The collection README names each; the clone's pins satisfy them.
ansible-builder introspect "$work/collections" >"$work/introspect.out"
python - "$installed" "$work/introspect.out" "$top/requirements.txt" <<'EOF'
import ast
import importlib.metadata
import pathlib
import re
import sys

import yaml
from packaging.requirements import Requirement


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


installed, introspected, pins = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
problems = []
metadata = installed / "meta" / "execution-environment.yml"
if not metadata.is_file():
    sys.exit("the artifact has no meta/execution-environment.yml")
ee = yaml.safe_load(metadata.read_text())
if ee.get("version") != 1 or (ee.get("dependencies") or {}).get("python") != "requirements.txt":
    problems.append(f"meta/execution-environment.yml does not name requirements.txt in the version 1 format: {ee}")

# One line per requirement: "kubernetes>=24.2.0  # from collection sre.minikube".
listed = (yaml.safe_load(open(introspected)) or {}).get("python") or []
requirements = [
    Requirement(line.split("#", 1)[0]) for line in listed if line.split("#", 1)[-1].split() == ["from", "collection", "sre.minikube"]
]
if not requirements:
    problems.append(f"ansible-builder introspect lists no Python requirement for sre.minikube: {listed}")
names = {normal(r.name) for r in requirements}

# Every third-party package the plugins import is listed, or is one
# ansible-core itself requires.
core = {normal(Requirement(r).name) for r in importlib.metadata.requires("ansible-core")}
providers = importlib.metadata.packages_distributions()
imported = set()
for path in (installed / "plugins").rglob("*.py"):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
imported -= set(sys.stdlib_module_names) | {"ansible", "ansible_collections"}
for module in sorted(imported):
    dists = {normal(d) for d in providers.get(module, [])}
    if not dists:
        problems.append(f"the plugins import {module}, which no installed package provides")
    elif not dists & (names | core):
        problems.append(f"the plugins import {module} (from {', '.join(sorted(dists))}), which introspect does not list")

readme = (installed / "README.md").read_text()
pinned = {}
for line in pathlib.Path(pins).read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        pin = Requirement(line)
        pinned[normal(pin.name)] = next(iter(pin.specifier)).version
for requirement in requirements:
    if f"`{requirement.name}`" not in readme:
        problems.append(f"the collection README does not name its Python requirement `{requirement.name}`")
    version = pinned.get(normal(requirement.name))
    if version and not requirement.specifier.contains(version):
        problems.append(f"requirements.txt pins {requirement.name} {version}, outside {requirement}")
if problems:
    sys.exit("\n".join(problems))
print("execution environment: python", ", ".join(str(r) for r in requirements))
EOF
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_PYTHON_INTERPRETER

for module in platform_info macos_resolver; do
  ANSIBLE_NOCOLOR=1 ansible-doc "sre.minikube.$module" >"$work/doc.out"
  grep -q "^> MODULE sre.minikube.$module " "$work/doc.out"
done
ANSIBLE_NOCOLOR=1 ansible-doc -t role sre.minikube.app_deploy >"$work/doc.out"
grep -qE "^> ROLE: \*?sre\.minikube\.app_deploy\*? " "$work/doc.out"
grep -q "app_deploy_namespace" "$work/doc.out"

ansible localhost -c local -i localhost, -m sre.minikube.platform_info | tee "$work/platform.out"
grep -q '"asset": "minikube-' "$work/platform.out"
ansible localhost -c local -i localhost, -m sre.minikube.macos_resolver \
  -a "name=artifact-test domain=test nameservers=192.0.2.53 path=$work/resolver"
expected=$'domain test\nnameserver 192.0.2.53'
[ "$(cat "$work/resolver/artifact-test")" = "$expected" ] || {
  echo "unexpected resolver file content:" >&2
  cat "$work/resolver/artifact-test" >&2
  exit 1
}

# The playbook needs the collections sre.minikube depends on; the venv's
# ansible package has them. sre.minikube itself still comes from the
# installed artifact only: the venv holds none.
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
run=(ansible-playbook -i "$installed/playbooks/inventory" sre.minikube.site)
"${run[@]}" --syntax-check
"${run[@]}" --list-tags >"$work/tags.out"
for tag in install cluster build deploy dns verify clean; do
  grep -qE "TAGS: \[([a-z, ]*, )?$tag(,[a-z, ]*)?\]" "$work/tags.out" || {
    echo "ansible-playbook sre.minikube.site --list-tags does not list the stage $tag:" >&2
    cat "$work/tags.out" >&2
    exit 1
  }
done

# What a user who installed only the artifact runs, from an empty directory:
# no inventory (the plays run on the implicit localhost with the settings'
# shipped defaults), no ansible.cfg (so no stage_summary callback: the
# playbook's last play prints the summary), no interpreter set.
mkdir "$work/empty"
(
  cd "$work/empty"
  unset ANSIBLE_PYTHON_INTERPRETER
  ANSIBLE_NOCOLOR=1 ansible-playbook sre.minikube.site --tags build -e image_build_build=false
) >"$work/bare.out" 2>&1 || {
  cat "$work/bare.out" >&2
  echo "ansible-playbook sre.minikube.site without an inventory failed" >&2
  exit 1
}
python - "$work/bare.out" <<'EOF'
import re
import sys

out = open(sys.argv[1]).read()
problems = []
if "no hosts matched" in out:
    problems.append("a play matched no host")
recap = re.search(r"^localhost\s+: ok=\d+ .*failed=(\d+)", out, re.MULTILINE)
if not recap or recap.group(1) != "0":
    problems.append("the run did not end with localhost ok and nothing failed")
# The summary is the last task's output, right before the recap.
summary = out[out.rfind("TASK [Print the URL, the paid invoices and the time of each stage]") :]
if "TASK [Print the URL" not in summary:
    problems.append("the run printed no summary")
for line in ("URL:      not checked in this run (the verify stage did not run)", "Stages:"):
    if line not in summary:
        problems.append(f"the summary lacks {line!r}")
if not re.search(r'"  build +\d+\.\d s"', summary) or not re.search(r'"  total +\d+\.\d s"', summary):
    problems.append("the summary does not time the build stage")
if problems:
    sys.exit(out + "\n" + "; ".join(problems))
print(summary.split("PLAY RECAP")[0].strip())
EOF

# A run that changes nothing on this machine: every play's role argument
# validation (the shipped inventory's settings against the roles' specs),
# and the build stage computing the image tags from the shipped sources
# without building. The tags must be the clone's: the artifact carries the
# services' build contexts unchanged.
image_tags() {
  ANSIBLE_STDOUT_CALLBACK=ansible.posix.json "$@" \
    --tags build -e '{"image_build_build": false}' >"$work/run.json"
  python - "$work/run.json" <<'EOF'
import json
import sys

found = []


def walk(node):
    if isinstance(node, dict):
        if isinstance(node.get("image_build_refs"), dict):
            found.append(node["image_build_refs"])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)


# The report is the JSON document that starts on a line of its own; other
# callbacks (the clone's ansible.cfg enables profile_tasks) print around it.
text = open(sys.argv[1]).read()
start = 0 if text.startswith("{\n") else text.find("\n{\n") + 1
report, _ = json.JSONDecoder().raw_decode(text[start:])
if report["stats"]["localhost"]["failures"]:
    sys.exit(f"the run failed: {json.dumps(report)[:2000]}")
walk(report)
refs = max(found, key=len) if found else {}
if not refs:
    sys.exit("the run published no image_build_refs")
print(json.dumps(refs, sort_keys=True))
EOF
}
installed_tags=$(image_tags "${run[@]}")
clone_tags=$(
  cd "$top"
  unset ANSIBLE_COLLECTIONS_PATH
  export ANSIBLE_CONFIG="$top/ansible.cfg"
  image_tags ansible-playbook site.yml
)
echo "image tags: installed collection $installed_tags, clone $clone_tags"
[ "$installed_tags" = "$clone_tags" ] || {
  echo "the installed collection's build stage derives other image tags than the clone's" >&2
  exit 1
}
echo "collection artifact $artifact installs and works"
