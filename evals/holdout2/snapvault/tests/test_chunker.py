import tempfile
import unittest
from pathlib import Path

from snapvault.chunker import iter_chunks
from snapvault.crypto import chunk_id


class ChunkerTests(unittest.TestCase):
    def test_chunks_cover_the_file_in_order(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "f.bin"
            path.write_bytes(b"a" * 10 + b"b" * 5)
            chunks = list(iter_chunks(path, 10))
        self.assertEqual([len(b) for _, b in chunks], [10, 5])
        self.assertEqual(chunks[1][0], chunk_id(b"b" * 5))


if __name__ == "__main__":
    unittest.main()
