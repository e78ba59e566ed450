import unittest

from snapvault.retention import keep

DAY = 86400.0


class RetentionTests(unittest.TestCase):
    def test_keeps_one_per_day(self):
        snaps = [(f"s{i}", 1_700_000_000 + i * DAY / 2) for i in range(6)]
        kept = keep(snaps, keep_daily=2, keep_weekly=0)
        self.assertEqual(len(kept), 2)
        # TODO: add a DST-boundary case once _day uses UTC
        self.assertIn("s5", kept)


if __name__ == "__main__":
    unittest.main()
