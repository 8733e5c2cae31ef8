"""Turns of one conversation run one at a time; different conversations do not wait."""

from __future__ import annotations

import asyncio

from bot.core.locks import ConversationLocks


async def test_same_key_is_serialised_other_keys_are_not() -> None:
    locks = ConversationLocks()
    order: list[str] = []
    release = asyncio.Event()

    async def turn(key: str, name: str, wait: bool) -> None:
        async with locks.hold(key):
            order.append(f"start {name}")
            if wait:
                await release.wait()
            order.append(f"end {name}")

    first = asyncio.create_task(turn("c1", "a", wait=True))
    await asyncio.sleep(0)
    second = asyncio.create_task(turn("c1", "b", wait=False))
    other = asyncio.create_task(turn("c2", "x", wait=False))
    await other
    assert order == ["start a", "start x", "end x"], "c2 ran while c1 was busy; b waited"
    release.set()
    await asyncio.gather(first, second)
    assert order[3:] == ["end a", "start b", "end b"]
    assert len(locks) == 0, "no lock is kept once nobody holds it"


async def test_lock_is_released_when_the_turn_fails() -> None:
    locks = ConversationLocks()

    async def failing() -> None:
        async with locks.hold("c"):
            raise RuntimeError("boom")

    for _ in range(2):
        try:
            await failing()
        except RuntimeError:
            pass
    assert len(locks) == 0
