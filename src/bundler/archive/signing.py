"""Ed25519 signatures of a bag's tag manifest (the ``cryptography`` package).

The tag manifest (``tagmanifest-sha256.txt``) holds the checksums of ``bag-info.txt`` and of
the payload manifests, which hold the checksum of every payload file; signing it signs the
whole bag. The signature goes beside it in ``tagmanifest-sha256.txt.sig`` (a tag file that no
manifest lists, since it signs them). What it proves: whoever holds the private key signed
these exact files, and nothing changed since. What it does not prove: that the sources are
what a server sent, or that the signer's clock or claims are true.

Keys are PEM files, as OpenSSL writes them: ``openssl genpkey -algorithm ed25519 -out key.pem``
and ``openssl pkey -in key.pem -pubout -out key.pub`` (or ``bundler keygen key.pem``).
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from bundler.errors import BundlerError, naming

SIGNED_FILE = "tagmanifest-sha256.txt"
SIGNATURE_FILE = SIGNED_FILE + ".sig"
SIGNATURE_FORMAT = "bundler-signature/1"


def generate_key(path: Path) -> Path:
    """Write a new private key to ``path`` (mode 0600) and its public key to ``path.pub``; return the latter."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public_path = path.with_name(path.name + ".pub")
    for target in (path, public_path):
        if target.exists():
            raise BundlerError(f"{target} already exists; not overwritten", code="E638", file=str(target), hint="choose another name")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    made: list[Path] = []
    try:
        for target, data, mode in ((path, private, 0o600), (public_path, public, 0o666)):
            try:
                descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                made.append(target)
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(data)
            except OSError as exc:
                raise naming(exc, target) from exc
    except BaseException:  # a full disk left an empty key under its name, which the next keygen refused to replace
        for made_path in made:
            made_path.unlink(missing_ok=True)
        raise
    return public_path


def sign_bag(bag_dir: Path, key_path: Path) -> str:
    """Sign the bag's tag manifest with the private key at ``key_path``; return the key's fingerprint."""
    from cryptography.hazmat.primitives import serialization

    key = load_private_key(key_path)
    raw_public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signature = key.sign((bag_dir / SIGNED_FILE).read_bytes())
    lines = [
        SIGNATURE_FORMAT,
        "algorithm: ed25519",
        f"signed-file: {SIGNED_FILE}",
        f"key-fingerprint: {fingerprint(raw_public)}",
        f"signature: {base64.b64encode(signature).decode('ascii')}",
    ]
    (bag_dir / SIGNATURE_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return fingerprint(raw_public)


def check_signature(bag_dir: Path, public_key_path: Path) -> list[str]:
    """Problems with the bag's signature under the given public key; an empty list when it is valid."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization

    public = load_public_key(public_key_path)
    raw_public = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    sig_path = bag_dir / SIGNATURE_FILE
    if not sig_path.is_file() or sig_path.is_symlink():
        return [f"E637: {SIGNATURE_FILE} is missing: the bag is not signed (sign it with `bundler bag --sign KEY`)"]
    fields = _signature_fields(sig_path)
    try:
        signature = base64.b64decode(fields.get("signature", ""), validate=True)
        public.verify(signature, (bag_dir / SIGNED_FILE).read_bytes())
    except (InvalidSignature, ValueError, OSError):
        return [
            f"E637: {SIGNATURE_FILE}: the signature does not match {SIGNED_FILE} under key {fingerprint(raw_public)} "
            f"(signed with key {fields.get('key-fingerprint', '?')}): the bag changed since signing, or another key signed it"
        ]
    return []


def signature_fingerprint(bag_dir: Path) -> str:
    """The fingerprint of the key a bag says it was signed with, or "" when it is not signed."""
    path = bag_dir / SIGNATURE_FILE
    return _signature_fields(path).get("key-fingerprint", "?") if path.is_file() and not path.is_symlink() else ""


def fingerprint(raw_public: bytes) -> str:
    """``SHA256:<base64>`` of the raw public key, the form OpenSSH shows."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw_public).digest()).decode("ascii").rstrip("=")


def _signature_fields(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]:
        name, _, value = line.partition(": ")
        fields[name.strip()] = value.strip()
    return fields


def load_private_key(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read_key(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise _key_error(path, f"not an unencrypted PEM private key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise _key_error(path, f"a {type(key).__name__.removeprefix('_')} key, not Ed25519")
    return key


def load_public_key(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = _read_key(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise _key_error(path, f"not a PEM public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise _key_error(path, "not an Ed25519 public key")
    return key


def _read_key(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _key_error(path, f"cannot be read ({exc.strerror or exc})") from exc


def _key_error(path: Path, what: str) -> BundlerError:
    return BundlerError(
        f"key {path}: {what}",
        code="E635",
        file=str(path),
        hint="make a key pair with `bundler keygen KEY` (or `openssl genpkey -algorithm ed25519 -out KEY`); "
        "sign with the private key, verify with KEY.pub",
    )
