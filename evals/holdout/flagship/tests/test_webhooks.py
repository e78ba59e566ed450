import unittest

from flagship import webhooks


class WebhookTests(unittest.TestCase):
    def test_signature_roundtrip(self):
        body = b'{"type": "flag.updated"}'
        signature = webhooks.sign("s3cret", body)
        self.assertTrue(webhooks.verify_signature("s3cret", body, signature))

    def test_notify_reports_failures(self):
        pass
