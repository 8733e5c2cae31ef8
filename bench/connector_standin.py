"""Connector stand-in for benchmarks: accepts replies, counts them per ``replyToId``.

Run: python -m bench.connector_standin PORT
GET /stats -> {"replies": N, "distinct": N, "duplicates": N}; POST /reset clears the counts.
"""

from __future__ import annotations

import sys
from collections import Counter

from aiohttp import web

_counts: Counter[str] = Counter()


async def reply(request: web.Request) -> web.Response:
    await request.read()
    _counts[request.match_info.get("aid", "")] += 1
    return web.json_response({"id": "r"})


async def stats(request: web.Request) -> web.Response:
    replies = sum(_counts.values())
    duplicates = sum(n - 1 for n in _counts.values() if n > 1)
    return web.json_response({"replies": replies, "distinct": len(_counts), "duplicates": duplicates})


async def reset(request: web.Request) -> web.Response:
    _counts.clear()
    return web.json_response({})


def main() -> None:
    app = web.Application()
    app.router.add_post("/v3/conversations/{cid}/activities/{aid}", reply)
    app.router.add_post("/v3/conversations/{cid}/activities", reply)
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
