"""galaxy-importer, Galaxy's own import check, accepts the built artifact and refuses one without what Galaxy requires.

The artifact test (tests/harness/collection-artifact-test.sh, make test-collection) runs this file with
SRE_MINIKUBE_ARTIFACT naming the tarball it built. Each case imports that tarball, or a copy of it with one thing
taken out as a build without it would lack it (FILES.json and its checksum in MANIFEST.json updated), with the
configuration tests/harness/galaxy-importer.cfg: no containers, no ansible-test.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pathlib
import subprocess
import sys
import tarfile

import pytest

TOP = pathlib.Path(__file__).resolve().parents[2]
CONFIG = TOP / "tests" / "harness" / "galaxy-importer.cfg"
ACCEPTED = "Importer processing completed successfully"


def artifact() -> pathlib.Path:
    path = os.environ.get("SRE_MINIKUBE_ARTIFACT", "")
    if not path or not pathlib.Path(path).is_file():
        pytest.fail(f"SRE_MINIKUBE_ARTIFACT={path!r} names no built artifact: run make test-collection")
    return pathlib.Path(path)


def without_repository(manifest: dict, files: list[dict]) -> set[str]:
    manifest["collection_info"]["repository"] = None
    return set()


def without_role_readme(manifest: dict, files: list[dict]) -> set[str]:
    return {"roles/verify/README.md"}


def as_built(manifest: dict, files: list[dict]) -> set[str]:
    return set()


def rewrite(source: pathlib.Path, target: pathlib.Path, change) -> None:
    """Copy the tarball SOURCE to TARGET with CHANGE applied to its metadata and the files it names left out."""
    with tarfile.open(source) as tarball:
        members = [(member, tarball.extractfile(member).read() if member.isfile() else None) for member in tarball]
    content = {member.name: data for member, data in members}
    manifest = json.loads(content["MANIFEST.json"])
    files = json.loads(content["FILES.json"])
    dropped = change(manifest, files["files"])
    files["files"] = [entry for entry in files["files"] if entry["name"] not in dropped]
    content["FILES.json"] = json.dumps(files, indent=True).encode()
    manifest["file_manifest_file"]["chksum_sha256"] = hashlib.sha256(content["FILES.json"]).hexdigest()
    content["MANIFEST.json"] = json.dumps(manifest, indent=True).encode()
    target.parent.mkdir(parents=True)
    with tarfile.open(target, "w:gz") as tarball:
        for member, _ in members:
            if member.name in dropped:
                continue
            if member.isfile():
                member.size = len(content[member.name])
                tarball.addfile(member, io.BytesIO(content[member.name]))
            else:
                tarball.addfile(member)


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        pytest.param(as_built, None, id="as-built"),
        pytest.param(without_repository, "'repository' is required", id="no-repository-link"),
        pytest.param(without_role_readme, "No role readme found", id="a-role-without-readme"),
    ],
)
def test_galaxy_importer(change, refusal, tmp_path):
    source = artifact()
    # galaxy-importer wants the file's name to carry the version: the copy keeps it, in a directory of its own.
    tarball = tmp_path / "artifact" / source.name
    rewrite(source, tarball, change)
    env = dict(
        os.environ,
        GALAXY_IMPORTER_CONFIG=str(CONFIG),
        # Its ansible-doc runs keep their temporary files here, not in ~/.ansible/tmp.
        GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=str(tmp_path / "ansible-tmp"),
    )
    # It writes importer_result.json into its working directory.
    result = subprocess.run(
        [sys.executable, "-m", "galaxy_importer.main", str(tarball)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    if refusal is None:
        assert result.returncode == 0 and ACCEPTED in output, output
    else:
        assert result.returncode != 0 and ACCEPTED not in output, output
        assert refusal in output, output
