"""Fixtures shared by the multi-instance tests."""

from tests.referrals.support import receiver  # noqa: F401  (the webhook receiver fixture)
