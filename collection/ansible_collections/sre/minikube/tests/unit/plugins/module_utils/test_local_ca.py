# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""local_ca: a current CA directory has no problem; each thing a run would fix is named."""

from __future__ import annotations

import datetime
import os

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.local_ca import problems

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

NOW = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
NAMES = ("*.test", "test", "invoice-app.test")


def name(text):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def certificate(subject, key, issuer, issuer_key, days=365, names=None, ca=False):
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def write(path, data, mode=0o644):
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def pem_cert(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def make(tmp_path, names=NAMES, days=365, other_ca=False, key_mode=0o600, dir_mode=0o700, swap_key=False):
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("sre.minikube local CA", ca_key, "sre.minikube local CA", ca_key, days=3650, ca=True)
    signer_key = ec.generate_private_key(ec.SECP256R1()) if other_ca else ca_key
    cert = certificate("invoice-app.test", key, "sre.minikube local CA", signer_key, days=days, names=names)
    write(tmp_path / "ca.crt", pem_cert(ca))
    write(tmp_path / "ca.key", pem_key(ca_key), key_mode)
    write(tmp_path / "test.crt", pem_cert(cert))
    other = ec.generate_private_key(ec.SECP256R1()) if swap_key else key
    write(tmp_path / "test.key", pem_key(other), 0o600)
    os.chmod(tmp_path, dir_mode)
    return str(tmp_path)


def test_a_current_directory_has_no_problem(tmp_path):
    assert problems(make(tmp_path), "test", NAMES, 30, now=NOW) == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"other_ca": True}, "was not issued by the CA"),
        ({"names": ["*.test", "test"]}, "names ['*.test', 'test'], not"),
        ({"days": 10}, "ends within 30 days"),
        ({"key_mode": 0o644}, "ca.key is readable by others"),
        ({"dir_mode": 0o755}, "has mode 0755, not 0700"),
        ({"swap_key": True}, "test.crt is not the certificate of"),
    ],
)
def test_each_thing_a_run_would_fix_is_named(tmp_path, change, says):
    found = problems(make(tmp_path, **change), "test", NAMES, 30, now=NOW)

    assert [p for p in found if says in p], found


@pytest.mark.parametrize("missing", ["ca.crt", "ca.key", "test.crt", "test.key"])
def test_a_missing_file_is_named(tmp_path, missing):
    directory = make(tmp_path)
    os.remove(os.path.join(directory, missing))

    assert [p for p in problems(directory, "test", NAMES, 30, now=NOW) if missing in p and "cannot be read" in p]


def test_a_missing_directory_is_named(tmp_path):
    assert problems(str(tmp_path / "nope"), "test", NAMES, 30) == [f"{tmp_path / 'nope'} does not exist"]
