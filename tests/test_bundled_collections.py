"""tools/bundled_collections.py: the pinned collections, and only they, out of a pinned wheel."""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
import stat
import sys
import zipfile

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))

import bundled_collections as bundle  # noqa: E402


def make_wheel(path, collections, extra=()):
    """A wheel shaped like the community package's: {name: version} collections, each with a plugin and a script."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, version in collections.items():
            prefix = "ansible_collections/" + name.replace(".", "/") + "/"
            archive.writestr(prefix + "MANIFEST.json", json.dumps({"collection_info": {"version": version}}))
            archive.writestr(prefix + f"plugins/modules/{version.replace('.', '_')}.py", "# module\n")
            script = zipfile.ZipInfo(prefix + "tools/run.sh")
            script.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(script, "#!/bin/sh\n")
        archive.writestr("ansible_collections/ansible_release.py", "")
        for name in extra:
            archive.writestr(name, "")
    return path


def installed(site):
    """The files under SITE/ansible_collections, relative to it."""
    root = site / "ansible_collections"
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_only_the_pinned_collections_are_copied(tmp_path):
    wheel = make_wheel(tmp_path / "ansible-1.0.0-py3-none-any.whl", {"a.b": "1.0.0", "c.d": "2.0.0", "e.f": "3.0.0"})
    site = tmp_path / "site"

    names = bundle.install(wheel, {"a.b": "1.0.0", "e.f": "3.0.0"}, site)

    assert names == ["a.b", "e.f"]
    assert installed(site) == [
        "a/b/MANIFEST.json",
        "a/b/plugins/modules/1_0_0.py",
        "a/b/tools/run.sh",
        "e/f/MANIFEST.json",
        "e/f/plugins/modules/3_0_0.py",
        "e/f/tools/run.sh",
        bundle.RECORD,
    ]
    assert (site / "ansible_collections/a/b/tools/run.sh").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        ({"a.b": "1.0.1"}, "carries a.b 1.0.0, but requirements.yml pins 1.0.1"),
        ({"a.b": "1.0.0", "x.y": "1.0.0"}, "carries no x.y collection"),
    ],
)
def test_a_pin_the_wheel_does_not_carry_stops_before_anything_is_written(tmp_path, pins, message):
    wheel = make_wheel(tmp_path / "ansible-1.0.0-py3-none-any.whl", {"a.b": "1.0.0"})
    site = tmp_path / "site"
    site.mkdir()

    with pytest.raises(bundle.BundleError, match=re.escape(message)):
        bundle.install(wheel, pins, site)
    assert not (site / "ansible_collections").exists()


def test_a_second_install_replaces_the_first_and_removes_what_is_no_longer_pinned(tmp_path):
    site = tmp_path / "site"
    first = make_wheel(tmp_path / "ansible-1.0.0-py3-none-any.whl", {"a.b": "1.0.0", "c.d": "2.0.0"})
    bundle.install(first, {"a.b": "1.0.0", "c.d": "2.0.0"}, site)
    # Another package's collection in the same directory stays.
    (site / "ansible_collections/g/h").mkdir(parents=True)
    (site / "ansible_collections/g/h/MANIFEST.json").write_text("{}")

    second = make_wheel(tmp_path / "ansible-2.0.0-py3-none-any.whl", {"a.b": "1.1.0", "c.d": "2.0.0"})
    bundle.install(second, {"a.b": "1.1.0"}, site)

    assert installed(site) == [
        "a/b/MANIFEST.json",
        "a/b/plugins/modules/1_1_0.py",
        "a/b/tools/run.sh",
        "g/h/MANIFEST.json",
        bundle.RECORD,
    ]
    assert not (site / "ansible_collections/c").exists()


def pin_file(tmp_path, content):
    path = tmp_path / "requirements-collections.txt"
    path.write_text("# the wheel\nansible==1.0.0 --hash=sha256:" + hashlib.sha256(content).hexdigest() + "\n")
    return path


@pytest.mark.parametrize(
    ("cached", "downloaded", "downloads", "error"),
    [
        (b"right", None, 0, None),
        (b"stale", b"right", 1, None),
        (None, b"right", 1, None),
        (None, b"tampered", 1, "with sha256"),
    ],
    ids=["cached", "cached-with-another-hash", "absent", "download-with-another-hash"],
)
def test_the_wheel_comes_from_the_cache_when_its_hash_is_the_pinned_one(tmp_path, cached, downloaded, downloads, error):
    cache = tmp_path / "cache"
    cache.mkdir()
    name = "ansible-1.0.0-py3-none-any.whl"
    if cached is not None:
        (cache / name).write_bytes(cached)
    calls = []

    def download(pins, dest):
        calls.append(pins)
        (dest / name).write_bytes(downloaded)

    pins = pin_file(tmp_path, b"right")
    if error:
        with pytest.raises(bundle.BundleError, match=error):
            bundle.fetch_wheel(pins, cache, download)
        assert not (cache / name).exists()
    else:
        assert bundle.fetch_wheel(pins, cache, download) == cache / name
        assert (cache / name).read_bytes() == b"right"
    assert len(calls) == downloads
    assert [path.name for path in cache.iterdir()] == ([name] if not error else [])


@pytest.mark.parametrize("version", [">=6.2.0,<7.0.0", "6.2", "*", ""])
def test_requirements_yml_pins_exact_versions_only(tmp_path, version):
    path = tmp_path / "requirements.yml"
    path.write_text(yaml.safe_dump({"collections": [{"name": "a.b", "version": version}]}))

    with pytest.raises(bundle.BundleError, match="exact version"):
        bundle.pinned_collections(path)


def test_the_repository_pins_collections_and_one_wheel_and_installs_no_community_package():
    pins = bundle.pinned_collections()
    assert set(pins) == {"kubernetes.core", "community.docker", "community.crypto", "ansible.posix"}
    name, version, _digest = bundle.wheel_pin()
    assert name == "ansible"
    runtime = (TOP / "requirements.txt").read_text().splitlines()
    assert not [line for line in runtime if re.match(r"ansible\s*(==|>=|~=|$)", line)]
