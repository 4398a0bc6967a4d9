# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the stack's local CA and the test domain's certificate are current, without changing anything.

problems() reads the CA directory the cluster stage keeps (ca.crt, ca.key,
<domain>.crt, <domain>.key) and returns one sentence per thing a run would
have to make or fix: a missing file, a key readable by others, a directory
open to others, a certificate that names other hosts, that the CA did not
sign, that ends within the renewal window, or whose key is not the one
beside it. An empty list means a run changes nothing, so the stage skips
the tasks that would only confirm it. Keys are read to compare public keys
and are never returned.
"""

from __future__ import annotations

import datetime
import os
import stat

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
except ImportError:  # the caller says what to install
    x509 = None

PRIVATE_MODE = 0o600
DIRECTORY_MODE = 0o700


def _public(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _signed_by(cert, issuer):
    key = issuer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        else:
            return False
    except InvalidSignature:
        return False
    return cert.issuer == issuer.subject


def _not_after(cert):
    ends = getattr(cert, "not_valid_after_utc", None)
    return ends if ends is not None else cert.not_valid_after.replace(tzinfo=datetime.UTC)


def _names(cert):
    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return set()
    return set(extension.value.get_values_for_type(x509.DNSName))


def problems(directory, domain, names, renew_days, now=None):
    """What a run would make or fix in DIRECTORY; empty when the CA and the certificate are current."""
    if x509 is None:
        return ["the Python package cryptography is missing"]
    now = now or datetime.datetime.now(datetime.UTC)
    paths = {
        "ca.crt": os.path.join(directory, "ca.crt"),
        "ca.key": os.path.join(directory, "ca.key"),
        "crt": os.path.join(directory, f"{domain}.crt"),
        "key": os.path.join(directory, f"{domain}.key"),
    }
    found = []
    try:
        mode = stat.S_IMODE(os.stat(directory).st_mode)
    except OSError:
        return [f"{directory} does not exist"]
    if mode != DIRECTORY_MODE:
        found.append(f"{directory} has mode {mode:04o}, not {DIRECTORY_MODE:04o}")
    loaded = {}
    for key, path in paths.items():
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            if key.endswith("key"):
                if stat.S_IMODE(os.stat(path).st_mode) != PRIVATE_MODE:
                    found.append(f"{path} is readable by others")
                loaded[key] = serialization.load_pem_private_key(data, password=None)
            else:
                loaded[key] = x509.load_pem_x509_certificate(data)
        except (OSError, ValueError, TypeError) as error:
            found.append(f"{path} cannot be read ({type(error).__name__})")
    if found:
        return found
    ca, cert = loaded["ca.crt"], loaded["crt"]
    if _public(ca.public_key()) != _public(loaded["ca.key"].public_key()):
        found.append(f"{paths['ca.crt']} is not the certificate of {paths['ca.key']}")
    if _public(cert.public_key()) != _public(loaded["key"].public_key()):
        found.append(f"{paths['crt']} is not the certificate of {paths['key']}")
    if not _signed_by(cert, ca):
        found.append(f"{paths['crt']} was not issued by the CA {paths['ca.crt']}")
    if _names(cert) != set(names):
        found.append(f"{paths['crt']} names {sorted(_names(cert))}, not {sorted(set(names))}")
    if _not_after(cert) - now < datetime.timedelta(days=renew_days):
        found.append(f"{paths['crt']} ends within {renew_days} days")
    return found
