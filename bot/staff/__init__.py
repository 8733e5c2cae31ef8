"""The staff page (``/staff``): call-back requests to act on today, what citizens asked that
the bot did not understand (and teaching it), and the numbers behind the helpline.

What the lead's shell wires (see docs/STAFF-PAGE.md, "For developers"):

- ``setup_staff(app, storage=..., routing_store=..., settings=StaffSettings.from_env(os.environ),
  clock=..., insights=..., on_event=...)`` mounts the page at ``/staff``.
- On each citizen turn: ``insights.record_turn(...)``; for a fallback or clarify reply also
  ``insights.record_not_understood(...)`` (``bot.storage.insights.Insights``).
- "delete my details": ``await insights.forget(key)``, then inside the erasure transaction
  ``bot.storage.staff.erase_citizen(conn, key)`` before ``referrals.erase_conversation``.
- The outbox: a delivery of kind ``page`` needs no sending; mark it delivered at once
  (``bot.storage.staff.deliver_to_page(conn, now)`` does it for all pending ones).
"""

from __future__ import annotations

from ..storage.insights import Insights
from .app import setup_staff, staff_app, staff_routes
from config.staff import StaffSettings, StaffSettingsError
from .web import StaffEvent

__all__ = [
    "Insights",
    "StaffEvent",
    "StaffSettings",
    "StaffSettingsError",
    "setup_staff",
    "staff_app",
    "staff_routes",
]
