"""The one error a delivery try raises, shared by the outbox and the senders it uses."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """One try of a delivery failed. ``kind`` is a short word for logs; ``retryable`` says
    whether to try again (a refusal such as 400 or a missing destination is not);
    ``retry_after`` is how long the receiver asked us to wait (seconds, a 429's Retry-After)."""

    def __init__(
        self, kind: str, *, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retryable = retryable
        self.retry_after = retry_after
