"""The protocol floor: a bare aiohttp handler that receives an activity and POSTs one reply to
the connector over a pooled client session. Nothing a real bot could do is cheaper.

Run: python -m bench.floor PORT
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

SESSION = web.AppKey("session", aiohttp.ClientSession)


async def messages(request: web.Request) -> web.Response:
    activity = json.loads(await request.read())
    reply = {
        "type": "message",
        "text": f"echo: {activity.get('text', '')}",
        "replyToId": activity["id"],
        "conversation": activity["conversation"],
        "from": activity["recipient"],
        "recipient": activity["from"],
    }
    url = (
        f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/"
        f"{activity['conversation']['id']}/activities/{activity['id']}"
    )
    async with request.app[SESSION].post(url, json=reply) as response:
        await response.read()
    return web.Response(status=200)


async def session_ctx(app: web.Application) -> AsyncIterator[None]:
    app[SESSION] = aiohttp.ClientSession()
    yield
    await app[SESSION].close()


def main() -> None:
    app = web.Application()
    app.cleanup_ctx.append(session_ctx)
    app.router.add_post("/api/messages", messages)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
