"""The helpline's conversation core: one path for every turn, free of the Bot Framework SDK.

A neutral :class:`~bot.core.message.Inbound` goes in; an ordered list of handlers (emergency
first, then staff actions, the citizen's own data, the call-back form, buttons, small talk,
classification, fallback), each with "does this match?" and "handle it", decides what to
say; a :class:`~bot.core.message.Outcome` (replies, an invoke answer, work to do after the
state is saved) comes out. The Bot Framework adapter (``bot/botframework``) turns JSON into
``Inbound`` and ``Outcome`` into activities; nothing here knows about activities.
"""
