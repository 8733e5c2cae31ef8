"""Live chat with council staff through a Teams channel (issue 15), free of any channel SDK.

- ``service``: :class:`~bot.handoff.service.Handoff`, what the conversation core asks of it
  (request, relay both ways, take, hand over, release, end, "Did this help?", the wait
  before the call-back is offered, erasure and retention).
- ``staff_card``: the request's card in the staff channel and the citizen's messages there.
- ``outbox``: sends every message in order per conversation at Teams' pace; retries 429
  with its Retry-After; never drops one.
- ``pacing``: Teams' per-conversation limits.
- ``background``: the timer (nobody took it in time) and the retention purge.

The handlers that use it are in ``bot/core/handoff.py``; the Bot Framework calls (a new
thread in a channel, posts, updates, deletions) in ``bot/botframework/threads.py``; the
chats themselves in ``bot/storage/handoff.py``.
"""
