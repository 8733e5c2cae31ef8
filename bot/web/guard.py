"""Serving the app with the one connection guard aiohttp lacks: a deadline for a request's
line and headers.

aiohttp waits for a request's headers as long as the caller takes (until the keep-alive
timeout, 75 s under ``web.run_app``), so a few hundred connections that each send a header
line every few seconds hold that many sockets and handlers for minutes (issue 12, point 3).
Here a connection waiting for a request's line and headers is closed when they have not all
arrived within ``header_timeout`` seconds, counted from when the connection opened and, on a
kept-alive connection, from the end of the previous request (so an idle kept-alive
connection is closed after that long too, as most servers do).

Bodies have their own limits: ``bot/inbound.py`` reads an activity's body within
``BODY_READ_TIMEOUT_SECONDS`` (else 408), and a body no handler reads is discarded for at most
``lingering_time`` seconds after the answer, then the connection is closed.

:func:`run` replaces ``web.run_app``: the same start-up, SIGINT/SIGTERM handling (graceful
exit: ``on_shutdown`` and ``cleanup_ctx`` run) and clean-up, with the guarded server.
:func:`start` serves the app the same way inside a running loop (tests, benchmarks).
``tests/hardening/test_slow_clients.py`` checks it with raw sockets against a real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)

# Seconds the body of a finished request that no handler read is still discarded before the
# connection is closed (aiohttp's default is 10).
LINGERING_SECONDS = 2.0
# Run ``web.run_app``'s keep-alive timeout; the header deadline closes idle connections first.
KEEPALIVE_SECONDS = 75.0


class GuardedRequestHandler(RequestHandler):
    """aiohttp's connection protocol, closed when a request's line and headers are late."""

    def __init__(self, manager: GuardedServer, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.header_timeout = header_timeout
        self._guard = manager
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.expect_headers()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def expect_headers(self) -> None:
        """The next request's line and headers must arrive within ``header_timeout``."""
        self._cancel_deadline()
        if self.transport is not None:
            loop = asyncio.get_running_loop()
            self._header_deadline = loop.call_later(self.header_timeout, self._headers_late)

    def headers_arrived(self) -> None:
        self._cancel_deadline()

    def _cancel_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        self._guard.note_closed()
        self.force_close()


class GuardedServer(web.Server):
    """``web.Server`` whose connections are :class:`GuardedRequestHandler`; counts (and logs,
    at most every 10 s) the connections it closed for slow headers."""

    def __init__(
        self, handler: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]], *,
        header_timeout: float, **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        self.header_timeout = header_timeout
        self.closed_for_slow_headers = 0
        self._logged_at = float("-inf")
        self._unlogged = 0
        make_request = self.request_factory
        handle = self.request_handler

        def request_factory(
            message: Any, payload: Any, protocol: RequestHandler, writer: Any, task: Any
        ) -> web.BaseRequest:
            # Called when a request's line and headers have been parsed.
            if isinstance(protocol, GuardedRequestHandler):
                protocol.headers_arrived()
            return make_request(message, payload, protocol, writer, task)

        async def request_handler(request: web.BaseRequest) -> web.StreamResponse:
            try:
                return await handle(request)
            finally:  # answered: the connection now waits for the next request's headers
                protocol = request.protocol
                if isinstance(protocol, GuardedRequestHandler):
                    protocol.expect_headers()

        self.request_factory = request_factory
        self.request_handler = request_handler

    def __call__(self) -> RequestHandler:
        return GuardedRequestHandler(
            self, header_timeout=self.header_timeout, loop=self._loop, **self._kwargs
        )

    def note_closed(self) -> None:
        self.closed_for_slow_headers += 1
        self._unlogged += 1
        now = time.monotonic()
        if now - self._logged_at >= 10.0:
            log.warning(
                "closed %d connection(s) whose request headers took over %g s",
                self._unlogged,
                self.header_timeout,
            )
            self._logged_at = now
            self._unlogged = 0


class GuardedAppRunner(web.AppRunner):
    """``web.AppRunner`` serving through a :class:`GuardedServer`."""

    def __init__(self, app: web.Application, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.header_timeout = header_timeout

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()  # runs the app's start-up, as AppRunner does
        return GuardedServer(
            plain.request_handler,
            request_factory=plain.request_factory,
            handler_cancellation=plain.handler_cancellation,
            loop=asyncio.get_running_loop(),
            header_timeout=self.header_timeout,
            **plain._kwargs,  # what AppRunner passes to each connection (access log, ...)
        )


async def start(
    app: web.Application,
    host: str,
    port: int,
    *,
    header_timeout: float,
    shutdown_timeout: float = 60.0,
    handle_signals: bool = False,
) -> GuardedAppRunner:
    """Serve ``app`` on ``host:port`` (port 0: any free port; see ``runner.addresses``).
    Stop it with ``await runner.cleanup()``."""
    runner = GuardedAppRunner(
        app,
        header_timeout=header_timeout,
        handle_signals=handle_signals,
        access_log=None,  # the turn log line replaces the access log
        shutdown_timeout=shutdown_timeout,
        keepalive_timeout=KEEPALIVE_SECONDS,
        lingering_time=LINGERING_SECONDS,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def run(
    app: web.Application, *, host: str, port: int, header_timeout: float, shutdown_timeout: float
) -> None:
    """``web.run_app`` with the header deadline: serve until SIGINT or SIGTERM, then shut
    down gracefully (for at most ``shutdown_timeout`` seconds) and return."""

    async def serve() -> None:
        runner = await start(
            app, host, port, header_timeout=header_timeout,
            shutdown_timeout=shutdown_timeout, handle_signals=True,
        )
        try:
            await asyncio.Event().wait()  # until the signal's GracefulExit cancels this task
        finally:
            await runner.cleanup()

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    main = loop.create_task(serve())
    try:
        loop.run_until_complete(main)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        try:
            if not main.done():
                main.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    loop.run_until_complete(main)
        finally:
            left = asyncio.all_tasks(loop)
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            asyncio.set_event_loop(None)
            loop.close()
