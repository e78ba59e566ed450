import os
import unittest

import requests


@unittest.skipUnless(os.environ.get("SNAPVAULT_LIVE_MINIO"), "needs a local MinIO")
class LiveMinioTests(unittest.TestCase):
    def test_minio_is_reachable(self):
        resp = requests.get("https://localhost:9000/minio/health/live", verify=False, timeout=5)
        self.assertEqual(resp.status_code, 200)


if __name__ == "__main__":
    unittest.main()
