"""Callback referrals: a citizen asks to be rung back, staff receive the request and claim it.

- ``codes``: short readable references (MAY-7K3Q).
- ``db``: the embedded SQLite database (WAL, synchronous commits) and its tables.
- ``store``: referrals and the delivery outbox in that database.
- ``storage``: a Bot Framework ``Storage`` over the same database, with eTags.
- ``dialog``: the callback conversation (botbuilder-dialogs).
- ``delivery``: the outbox sender (webhook, Teams channel, citizen notices).
- ``staff_card``: the Adaptive Card staff see, with "I'll take it".
- ``service``: what the bot's turn handling calls.
- ``__main__``: ``python -m bot.referrals list|show|purge``.
"""
