# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify_payments over HTTPS: ingress_exchange against a real TLS server on 127.0.0.1.

Each case makes its certificates with cryptography, serves them from Python's ssl and http.server in a thread,
and asks through the module's own exchange: a certificate of the given CA for the host passes, one of another CA
or for another name is refused with a message naming the CA file, and plain HTTP works without a CA file.
"""

from __future__ import annotations

import datetime
import http.server
import json
import ssl
import threading

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import PodRequestError, prepare_request
from ansible_collections.sre.minikube.plugins.module_utils.verify_payments import ingress_exchange
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_verify_payments import Stack, verify
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOST = "invoice-app.test"
NOW = datetime.datetime.now(datetime.UTC)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name):
    """A CA: (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(minutes=5))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def make_server_cert(ca, names):
    """A server certificate for the DNS names, signed by the CA (certificate, key): PEM of the chain and key."""
    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(minutes=5))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Answer(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the Host it was sent and the TLS server name the client gave."""

    def do_GET(self):
        body = json.dumps({"host": self.headers["Host"], "sni": self.server.sni.get("name")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve(tmp_path):
    """serve(pem or None) -> port of a server on 127.0.0.1: HTTPS with the PEM chain and key, else plain HTTP."""
    servers = []

    def start(pem):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        server.sni = {}
        if pem is not None:
            path = tmp_path / f"server-{len(servers)}.pem"
            path.write_bytes(pem)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(path)

            def note(_sock, name, _context):
                server.sni["name"] = name

            context.sni_callback = note
            server.socket = context.wrap_socket(server.socket, server_side=True)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


OUR_CA = make_ca("sre.minikube local CA")
OTHER_CA = make_ca("another CA")

CASES = [
    # (id, the server's certificate (None: plain HTTP), give the CA file, what the refusal says ('' passes))
    ("issued by the CA for the host", make_server_cert(OUR_CA, [HOST, "*.test", "test"]), True, ""),
    (
        "issued by another CA",
        make_server_cert(OTHER_CA, [HOST, "*.test", "test"]),
        True,
        "was not issued by the CA in {ca_file}",
    ),
    ("issued by the CA for another name", make_server_cert(OUR_CA, ["shop.example"]), True, f"does not name {HOST}"),
    # OpenSSL (and browsers) match no wildcard directly under a top-level label: *.test alone does not name the host.
    ("a wildcard under the top-level domain only", make_server_cert(OUR_CA, ["*.test"]), True, f"does not name {HOST}"),
    ("plain HTTP without a CA file", None, False, ""),
]


@pytest.mark.parametrize(("pem", "with_ca", "refusal"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_https_trusts_only_the_given_ca_and_the_host_name(serve, tmp_path, pem, with_ca, refusal):
    ca_file = tmp_path / "ca.crt"
    ca_file.write_bytes(OUR_CA[0].public_bytes(serialization.Encoding.PEM))
    port = serve(pem)
    given = str(ca_file) if with_ca else ""

    def ask():
        return ingress_exchange("127.0.0.1", port, HOST, prepare_request("GET", "/invoices", HOST), 10, given)

    if refusal:
        with pytest.raises(PodRequestError, match=refusal.format(ca_file=ca_file)):
            ask()
        return
    answer = ask()
    assert answer.status == 200
    seen = json.loads(answer.body)
    assert seen["host"] == HOST
    # Over HTTPS the host goes as the TLS server name too.
    assert seen["sni"] == (HOST if with_ca else None)


def test_a_missing_ca_file_is_named_before_connecting(tmp_path):
    missing = tmp_path / "ca.crt"

    with pytest.raises(PodRequestError, match=f"cannot read the CA certificate {missing}"):
        # Nothing listens on port 9 of the loopback: the CA file is read first.
        ingress_exchange("127.0.0.1", 9, HOST, prepare_request("GET", "/", HOST), 5, str(missing))


@pytest.mark.parametrize(
    ("settings", "port", "url"),
    [
        ({}, 80, f"http://{HOST}"),
        ({"ca_file": "/home/u/.config/sre-minikube/ca/ca.crt"}, 443, f"https://{HOST}"),
        ({"ca_file": "/ca.crt", "ingress_tls_port": 8443}, 8443, f"https://{HOST}"),
    ],
    ids=["http", "https", "https on another port"],
)
def test_the_ca_file_selects_https_and_its_port(settings, port, url):
    stack = Stack()

    result = verify(stack, **{"ingress_host": HOST, "ingress_tls_port": 443, **settings})

    assert result["url"] == url
    assert result["address"] == f"192.168.49.2:{port}"
    assert {sent[2] for sent in stack.sent if sent[0] == "ingress"} == {port}
