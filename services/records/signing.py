"""The records service's signing key (Ed25519): every signature on a document is signed with it
over the frozen snapshot's hash, so a printed or exported document can be checked offline, years
later, with only the public key (`ics admin verify-document`)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Signer:
    def __init__(self, key: Ed25519PrivateKey):
        self._key = key
        self.public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    @classmethod
    def load_or_create(cls, path: Path) -> "Signer":
        """The key lives beside the data (mode 600); made once, on the service's first start."""
        if path.is_file():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} is not an Ed25519 key")
            return cls(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        tmp.chmod(0o600)
        tmp.replace(path)
        return cls(key)

    def sign(self, payload: dict) -> str:
        return base64.b64encode(self._key.sign(canonical(payload))).decode()


def verify_bundle(bundle: dict) -> list[str]:
    """Every problem with an exported document bundle; an empty list means it is intact."""
    problems = []
    snapshot = bundle.get("snapshot_json", "")
    if hashlib.sha256(snapshot.encode()).hexdigest() != bundle.get("snapshot_sha256"):
        problems.append("the document's content does not match its recorded hash: it was changed after signing")
    try:
        public = serialization.load_pem_public_key(bundle.get("public_key_pem", "").encode())
    except ValueError:
        return problems + ["the bundle carries no usable public key"]
    if not isinstance(public, Ed25519PublicKey):
        return problems + ["the public key is not an Ed25519 key"]
    if not bundle.get("signatures"):
        problems.append("the document has no signatures")
    for signature in bundle.get("signatures", []):
        payload = dict(signature["payload"])
        who = f"{payload.get('signer_name')} ({payload.get('role')})"
        if payload.get("snapshot_sha256") != bundle.get("snapshot_sha256"):
            problems.append(f"the signature of {who} is for a different version of the document")
            continue
        if not _verifies(public, signature["signature"], payload):
            problems.append(f"the signature of {who} is not valid")
    for number, appendment in enumerate(bundle.get("appendments", []), start=1):
        payload = dict(appendment["payload"])
        body = {k: v for k, v in payload.items() if k != "sha256"}
        if payload.get("snapshot_sha256") != bundle.get("snapshot_sha256"):
            problems.append(f"appendment {number} belongs to a different version of the document")
        elif hashlib.sha256(canonical(body)).hexdigest() != payload.get("sha256") \
                or not _verifies(public, appendment["signature"], payload):
            problems.append(f"appendment {number} ({payload.get('author')}, {payload.get('created_at')}) "
                            "was changed after it was added")
    return problems


def _verifies(public: Ed25519PublicKey, signature: str, payload: dict) -> bool:
    try:
        public.verify(base64.b64decode(signature), canonical(payload))
        return True
    except (InvalidSignature, ValueError):
        return False
