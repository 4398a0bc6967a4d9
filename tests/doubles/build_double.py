#!/usr/bin/env python3
"""Pack the minikube test double (tests/doubles/minikube_double) as one executable file.

The file is a Python zip application (the format of `python3 -m zipapp`):
a `#!/usr/bin/env python3` line, then a zip archive holding the package,
the recordings it reads (minikube_double/recordings.py: FILES) and, with
--version, a release.json that makes it report that version. It needs
nothing but python3 (3.11 or later), so it can be copied into a test
container or published by the release mirror as a minikube binary.

The archive is reproducible: the same sources and version give the same
bytes (fixed timestamps and order), so a published checksum only changes
with the double. The output is written to a temporary file and renamed.

    build_double.py OUTPUT [--version vX.Y.Z]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from minikube_double import recordings, version  # noqa: E402

PACKAGE = HERE / "minikube_double"
SHEBANG = b"#!/usr/bin/env python3\n"
MAIN = b"from minikube_double.cli import run\n\nrun()\n"
VERSION_RE = re.compile(r"v\d+\.\d+\.\d+")
# Zip entries carry a date; a fixed one keeps the archive reproducible.
EPOCH = (1980, 1, 1, 0, 0, 0)


def archive(release: str | None = None) -> bytes:
    """The executable file's bytes: shebang and zip (package, recordings, stamp)."""
    entries: dict[str, bytes] = {"__main__.py": MAIN}
    for source in sorted(PACKAGE.glob("*.py")):
        entries[f"minikube_double/{source.name}"] = source.read_bytes()
    for name in recordings.FILES:
        entries[f"minikube_double/recordings/{name}"] = (Path(recordings.CHECKOUT) / name).read_bytes()
    if release is not None:
        entries[f"minikube_double/{version.STAMP}"] = version.stamp(release)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
    return SHEBANG + buffer.getvalue()


def write(output: Path, release: str | None = None) -> bool:
    """Write the file (mode 0755) unless it holds these bytes already; True when written."""
    body = archive(release)
    if output.exists() and output.read_bytes() == body:
        return False
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(body)
        os.chmod(tmp, 0o755)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def release_version(text: str) -> str:
    """Argparse type: a release version such as v1.38.1 (the release mirror takes it too)."""
    if not VERSION_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a release version (vX.Y.Z): {text!r}")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("--version", type=release_version, help="stamp: the version the file reports")
    args = parser.parse_args(argv)
    written = write(args.output, args.version)
    print(f"{args.output}: {'written' if written else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
