"""Waiting for an event, at most so long, without losing a cancellation.

On Python 3.11 ``asyncio.wait_for(event.wait(), timeout)`` swallows a cancellation that
arrives just as the event is set (the inner wait has finished, so ``wait_for`` returns its
result instead of raising): a background loop built on it can miss the shutdown's cancel and
run for ever, and the app's clean-up waits for it for ever. ``asyncio.wait`` does not return
a finished task's result in place of the cancellation, so it is used instead.

The same goes for stopping a helper task inside a loop: ``task.cancel()`` then
``with suppress(CancelledError): await task`` also swallows a cancellation of the loop itself
that arrives while it waits for the helper. :func:`stop` waits with ``asyncio.wait``, which
never raises the helper's cancellation and always raises the caller's."""

from __future__ import annotations

import asyncio


async def wait_for_event(event: asyncio.Event, seconds: float) -> bool:
    """Until ``event`` is set or ``seconds`` pass; True when it was set. A cancellation
    always propagates."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        done, _ = await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()
    return bool(done)


async def stop(task: asyncio.Task[object]) -> None:
    """Cancel ``task`` and wait until it has finished; a cancellation of the caller while
    it waits propagates (the helper's own cancellation does not)."""
    task.cancel()
    await asyncio.wait({task})
