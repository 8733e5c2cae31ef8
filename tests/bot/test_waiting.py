"""bot/waiting.py: an event waited for with a time limit never swallows a cancellation.

The background loops (referral outbox, live-chat outbox) wait for a wake-up with a time
limit and are cancelled at shutdown. With ``asyncio.wait_for`` on Python 3.11, a cancel that
arrives as the wake-up event is set was lost: the loop ran on and the app's clean-up hung
(seen as a 120 s teardown timeout in tests/referrals/test_privacy.py)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable

import pytest

from bot.waiting import stop, wait_for_event

Waiter = Callable[[asyncio.Event, float], Awaitable[object]]


async def _background_loop(wait: Waiter, event: asyncio.Event) -> None:
    while True:  # as the outboxes do: clear, work, wait for a wake-up or the idle tick
        event.clear()
        await wait(event, 10.0)


async def _cancelled_as_woken(wait: Waiter) -> bool:
    """True when cancelling the loop just as its event is set stops it."""
    event = asyncio.Event()
    task = asyncio.create_task(_background_loop(wait, event))
    await asyncio.sleep(0.01)  # the loop is waiting
    event.set()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=1.0)
    if not done:
        task.cancel()  # let a second cancel end it so the test itself finishes
        await asyncio.wait({task}, timeout=1.0)
    return bool(done)


async def test_a_cancel_arriving_with_the_wake_up_stops_the_loop() -> None:
    assert await _cancelled_as_woken(wait_for_event)


async def test_the_race_is_real_with_wait_for() -> None:
    """The same loop on ``asyncio.wait_for`` misses the cancel (Python 3.11): the check
    above can fail, and would if the outboxes went back to it."""

    async def with_wait_for(event: asyncio.Event, seconds: float) -> None:
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    if sys.version_info >= (3, 12):
        pytest.skip("asyncio.wait_for was rewritten in 3.12 and no longer loses the cancel")
    assert not await _cancelled_as_woken(with_wait_for)


async def test_set_or_timed_out() -> None:
    event = asyncio.Event()
    assert await wait_for_event(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await wait_for_event(event, 5.0) is True


async def _stopped_while_stopping_its_helper(
    stop_helper: Callable[[asyncio.Task[None]], Awaitable[None]],
) -> bool:
    """A loop that starts a helper each pass and stops it at the end (as the referral
    outbox does with the task renewing its leases) is cancelled while it waits for the
    helper to finish. True when that one cancel stops the loop."""
    helper_cancelled = asyncio.Event()

    async def helper() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            helper_cancelled.set()
            await asyncio.sleep(0.05)  # winding down takes a moment
            raise

    finished = False

    async def loop() -> None:
        while not finished:
            task = asyncio.create_task(helper())
            await asyncio.sleep(0)
            await stop_helper(task)

    looping = asyncio.create_task(loop())
    await helper_cancelled.wait()  # the loop now waits for its helper to finish
    looping.cancel()
    done, _ = await asyncio.wait({looping}, timeout=1.0)
    if not done:  # the cancel was swallowed: end the loop so the test itself finishes
        finished = True
        await asyncio.wait({looping}, timeout=1.0)
    return bool(done)


async def test_a_loop_cancelled_while_stopping_its_helper_stops() -> None:
    assert await _stopped_while_stopping_its_helper(stop)


async def test_suppressing_the_helpers_cancel_also_swallows_the_loops() -> None:
    """What the referral outbox did: the loop's cancel is lost (so the check above can fail)."""

    async def suppressing(task: asyncio.Task[None]) -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert not await _stopped_while_stopping_its_helper(suppressing)
