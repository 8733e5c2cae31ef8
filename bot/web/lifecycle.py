"""Readiness and graceful shutdown.

Shutdown (SIGTERM or SIGINT, handled by ``web.run_app``): aiohttp stops listening first,
then runs ``on_shutdown``, where :func:`drain_on_shutdown` refuses new turns on connections
still open (503 + Retry-After) and waits up to the grace period for the turns in flight,
including the replies they are still sending. Only then does ``cleanup_ctx`` close the
outbound session. ``python app.py`` then exits 0.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from ..storage import StateStore

from .limits import TurnGate

log = logging.getLogger(__name__)

_PROBE_KEY = "helpline-readiness-probe"
_PROBE_TIMEOUT = 2.0


class StorageProbe:
    """Whether this instance can write its storage and read the write back. The key is this
    process's own (instances sharing a database must not read each other's probe), and
    probes take turns (two at once would read each other's stamp). The key is removed when
    the app stops (:meth:`remove`); one left by a crash goes with the retention purge, like
    any state nobody touches."""

    def __init__(self, state: StateStore) -> None:
        self.state = state
        self.key = f"{_PROBE_KEY}/{secrets.token_hex(8)}"
        self._lock = asyncio.Lock()

    async def __call__(self) -> str:
        """"ok" when a value written to the state store reads back unchanged, else what
        went wrong."""
        async with self._lock:
            return await self._probe()

    async def remove(self) -> None:
        try:
            await asyncio.wait_for(self.state.delete(self.key), _PROBE_TIMEOUT)
        except Exception as error:  # stopping anyway; the purge removes it later
            log.info("readiness probe key not removed (%s)", type(error).__name__)

    async def _probe(self) -> str:
        stamp = f"{time.time():.6f}"
        try:
            await asyncio.wait_for(self.state.put(self.key, {"stamp": stamp}), _PROBE_TIMEOUT)
            found = await asyncio.wait_for(self.state.read(self.key), _PROBE_TIMEOUT)
        except asyncio.TimeoutError:
            return "storage did not answer in time"
        except Exception as error:  # any storage failure means not ready; staff see the type
            log.warning("readiness: storage probe failed: %s", type(error).__name__)
            return f"storage probe failed ({type(error).__name__})"
        return "ok" if found.data.get("stamp") == stamp else "storage did not return what was written"


def drain_on_shutdown(
    gate: Callable[[web.Application], TurnGate], grace: Callable[[web.Application], float]
) -> Callable[[web.Application], Awaitable[None]]:
    async def on_shutdown(app: web.Application) -> None:
        turn_gate = gate(app)
        seconds = grace(app)
        log.info(
            "shutting down: %d turn(s) in flight, waiting up to %.0f s", turn_gate.active, seconds
        )
        if await turn_gate.drain(seconds):
            log.info("shutdown: all turns finished")
        else:
            log.warning(
                "shutdown: %d turn(s) still in flight after %.0f s; stopping anyway",
                turn_gate.active,
                seconds,
            )

    return on_shutdown


# Allocations between young-generation collections. Each turn allocates a few thousand
# short-lived objects; at the default (700) a collection ran several times per message.
GC_YOUNG_THRESHOLD = 20_000


async def settle_heap(app: web.Application) -> None:
    """After start-up: the routing table, the classifier's indexes and the SDK's modules live
    as long as the process. ``gc.freeze`` moves them out of the collector's sight, so the
    collections that per-turn garbage triggers stop re-scanning them; the young generation is
    collected less often. Objects are still freed as usual when nothing refers to them.
    For the served process only (``app.py``): tests build many short-lived apps."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 50, 100)
    log.debug("heap settled: %d objects frozen", gc.get_freeze_count())
