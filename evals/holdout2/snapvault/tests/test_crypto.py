import unittest

from snapvault.crypto import SecretBox, derive_index_key


class CryptoTests(unittest.TestCase):
    def test_encrypt_roundtrip(self):
        box = SecretBox(derive_index_key("pw", b"salt" * 4))
        sealed = box.encrypt(b"hello")
        box.decrypt(sealed)

    def test_tamper_is_detected(self):
        box = SecretBox(derive_index_key("pw", b"salt" * 4))
        sealed = bytearray(box.encrypt(b"hello"))
        sealed[-1] ^= 1
        with self.assertRaises(Exception):
            box.decrypt(bytes(sealed))


if __name__ == "__main__":
    unittest.main()
