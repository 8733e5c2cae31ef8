"""What a turn does when it is rate limited or fails, for both the SDK turn and the lean path
for plain messages: the same wording, the same log lines, the same counters."""

from __future__ import annotations

import logging

from routing.router import Router

from . import observe
from .connector import ConnectorError
from .metrics import Metrics

log = logging.getLogger("bot.server")


def helpline_phone(router: Router) -> str:
    helpline = router.table.helpline
    return helpline.phone.display if helpline.phone is not None else (helpline.email or "")


def rate_limited_text(router: Router) -> str:
    return router.messages.rate_limited.format(phone=helpline_phone(router))


def apology_text(router: Router) -> str:
    return router.messages.apology.format(phone=helpline_phone(router))


def note_rate_limited(metrics: Metrics) -> None:
    metrics.rate_limited.inc()
    record = observe.current()
    if record is not None:
        record.outcome = "rate_limited"


def note_failure(error: Exception, metrics: Metrics) -> bool:
    """Log and count a failed turn for staff (no message text). True when the citizen
    should get an apology: not when reaching the connector is what failed, since an apology
    would fail the same way."""
    record = observe.current()
    unreachable = isinstance(error, ConnectorError)
    kind = error.kind if isinstance(error, ConnectorError) else type(error).__name__
    if record is not None:
        record.outcome = "reply_failed" if unreachable else "error"
        record.error = kind
    metrics.turns_failed.labels(error=kind if unreachable else "bug").inc()
    if unreachable:
        log.error("turn failed: the reply could not be delivered (%s)", kind)
        return False
    log.error("turn failed: %s", kind, exc_info=error)
    return True
