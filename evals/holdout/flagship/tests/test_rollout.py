import unittest

from flagship.rollout import BUCKETS, bucket, in_rollout


class RolloutTests(unittest.TestCase):
    def test_bucket_is_stable(self):
        self.assertEqual(bucket("new-checkout", "user-42"), bucket("new-checkout", "user-42"))

    def test_bucket_in_range(self):
        for i in range(500):
            self.assertTrue(0 <= bucket("f", f"u{i}") < BUCKETS)

    def test_zero_and_full_rollout(self):
        self.assertFalse(in_rollout("f", "u1", 0))
        self.assertTrue(in_rollout("f", "u1", 100))

    def test_roughly_proportional(self):
        hits = sum(in_rollout("exp", f"user-{i}", 25) for i in range(4000))
        self.assertGreater(hits, 850)
        self.assertLess(hits, 1150)
