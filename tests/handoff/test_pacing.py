"""Teams' per-conversation limits, kept before each send (bot/handoff/pacing.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.handoff.pacing import MARGIN, TEAMS_LIMITS, Pacer


@dataclass
class FakeTime:
    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _pacer(time: FakeTime) -> Pacer:
    return Pacer(clock=time.clock, sleep=time.sleep)


def _windows_kept(times: list[float]) -> bool:
    for i, start in enumerate(times):
        for window, count in TEAMS_LIMITS:
            if sum(1 for t in times[i:] if t - start < window) > count:
                return False
    return True


async def test_a_burst_of_100_keeps_every_window() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    sent = []
    for _ in range(100):
        await pacer.wait("thread")
        sent.append(time.now)
    assert _windows_kept(sent)
    assert sent[:7] == [0.0] * 7  # the first seven go at once
    assert sent[7] >= 1.0 + MARGIN and sent[8] >= 2.0 + MARGIN  # then 8 in 2 s
    assert sent[60] >= 30.0  # and 60 in 30 s
    assert sent[-1] < 75.0  # but no slower than that


async def test_conversations_are_paced_apart_and_a_send_can_count_for_two() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    for _ in range(7):
        await pacer.wait("a")
    await pacer.wait("b")  # another conversation: no wait
    assert time.now == 0.0
    await pacer.wait("b", "a")  # a new thread counts for the channel too: waits for "a"
    assert time.now >= 1.0


async def test_retry_after_pauses_the_conversation() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    pacer.pause("a", 3.0)
    await pacer.wait("a")
    assert time.now == 3.0
    await pacer.wait("other")
    assert time.now == 3.0


async def test_idle_conversations_are_forgotten() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    await pacer.wait("old")
    assert len(pacer) == 1
    time.now = 4000.0
    pacer.forget_idle()
    assert len(pacer) == 0
