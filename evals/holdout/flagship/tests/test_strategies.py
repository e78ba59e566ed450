import unittest

from flagship.models import Flag, Rule
from flagship.strategies import evaluate


class EvaluateTests(unittest.TestCase):
    def test_disabled_flag_returns_default(self):
        flag = Flag(key="x", project="p", enabled=False, default="off")
        self.assertEqual(evaluate(flag, {"user": "u"}), "off")

    def test_rule_wins_over_rollout(self):
        flag = Flag(key="x", project="p", enabled=True, default=False, rollout_percent=0,
                    rules=(Rule("country", "in", ("NZ", "AU"), "beta"),))
        self.assertEqual(evaluate(flag, {"user": "u", "country": "NZ"}), "beta")
        self.assertEqual(evaluate(flag, {"user": "u", "country": "DE"}), False)
