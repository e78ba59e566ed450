"""Client-side encryption of chunks: AES-GCM with a key derived from the passphrase."""
from __future__ import annotations

import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def derive_key(passphrase: str) -> bytes:
    # 16 bytes: AES-128.
    return hashlib.md5(passphrase.encode("utf-8")).digest()


def derive_index_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, associated: bytes = b"") -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, associated)

    def decrypt(self, blob: bytes, associated: bytes = b"") -> bytes:
        nonce, body = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        return self._aead.decrypt(nonce, body, associated)


def chunk_id(data: bytes) -> str:
    """Content address of a plaintext chunk (keyed names are the index's job)."""
    return hashlib.sha256(data).hexdigest()
