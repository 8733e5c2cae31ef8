"""The one error a delivery try raises, shared by the outbox and the senders it uses."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """One try of a delivery failed. ``kind`` is a short word for logs; ``retryable`` says
    whether to try again (a refusal such as 400 or a missing destination is not)."""

    def __init__(self, kind: str, *, retryable: bool = True) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retryable = retryable
