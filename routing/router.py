"""Decide what the bot says: classify, then emergency / routed / clarify / ask_area / fallback.

All wording comes from the routing table's ``messages:``; this module only arranges it. A
``Router`` writes in one language: ``router.in_("ga")`` is the same table's router in Irish
(texts without an Irish version fall back to English; ``routing check`` lists them), and
``welcome(bilingual=True)`` greets in Irish and English until the conversation's language is
known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from intents.result import Classification
from routing.build import calendar_of
from routing.hours import DUBLIN, OpenStatus, Schedule, local, status_at
from routing.hours_text import clock, describe, tidy
from routing.localized import ENGLISH, IRISH, LANGUAGES, Localized
from routing.model import (
    Contact,
    EmergencyReply,
    OutOfHoursOption,
    RoutingTable,
    Service,
    ServiceContact,
)
from routing.reply import (
    AREA_PREFIX,
    LANGUAGE_PREFIX,
    SERVICE_PREFIX,
    TALK_TO_SOMEONE,
    CardLabels,
    Choice,
    ContactView,
    ConversationFacts,
    Reply,
)


# Out-of-hours options in ContactView.out_of_hours are joined with this (one sentence each).
_OPTION_SEPARATOR = " "
# Each language's name in that language: the language buttons read "Gaeilge" and "English".
LANGUAGE_NAMES = {IRISH: "Gaeilge", ENGLISH: "English"}
# How the bilingual welcome joins a text's Irish and English on one line (buttons, the list).
_BOTH = " / "


@dataclass(frozen=True, slots=True)
class _Shown:
    """A contact view with the out-of-hours options available now, one text each."""

    view: ContactView
    options: tuple[str, ...]


class Router:
    """Answers one message or button press from one routing table, in one language
    (immutable, thread-safe). ``in_(language)`` gives the same table's router in another."""

    def __init__(self, table: RoutingTable, language: str = ENGLISH) -> None:
        self.table = table
        self.language = language if language in LANGUAGES else ENGLISH
        self.messages = table.messages
        self._calendar = calendar_of(table.messages, self.language)
        self.labels = self._card_labels()
        # A file with no Irish welcome is English-only: no bilingual welcome, no Gaeilge button.
        self.bilingual = bool(table.messages.welcome.ga)
        self._siblings: dict[str, Router] = {self.language: self}
        self._hours_cache: dict[tuple[str, dt.date], str] = {}
        # The contact part of a routed reply depends only on the services, the area and the
        # minute (opening status): computed once per minute rather than on every message.
        self._contacts_cache: dict[
            tuple[tuple[str, ...], str | None, str | None, dt.datetime],
            tuple[str, tuple[ContactView, ...]],
        ] = {}

    # ----- language -----------------------------------------------------------------------
    def in_(self, language: str | None) -> Router:
        """This table's router in ``language`` ("en" or "ga"; anything else: English)."""
        language = language if language in LANGUAGES else ENGLISH
        found = self._siblings.get(language)
        if found is None:
            found = Router(self.table, language)
            found._siblings = self._siblings
            self._siblings[language] = found
        return found

    def text(self, text: Localized | str) -> str:
        """``text`` in this router's language (the English when it has no Irish); a plain
        string is English only and comes back as it is."""
        return text.in_(self.language) if isinstance(text, Localized) else text

    def _card_labels(self) -> CardLabels:
        labels = self.messages.labels
        return CardLabels(
            phone=self.text(labels.phone),
            email=self.text(labels.email),
            hours=self.text(labels.hours),
            have_ready=self.text(labels.have_ready_card),
            call=self.text(labels.call_button),
            email_button=self.text(labels.email_button),
        )

    def _reply(self, **fields: Any) -> Reply:
        """A reply written in this router's language, its card labels too."""
        fields["text"] = tidy(fields["text"])
        return Reply(language=self.language, labels=self.labels, **fields)

    def language_button(self, language: str) -> Choice:
        """The button that switches the conversation to ``language``."""
        return Choice(LANGUAGE_NAMES[language], f"{LANGUAGE_PREFIX}{language}")

    # ----- entry points -------------------------------------------------------------------
    def classify(self, text: str) -> Classification:
        return self.table.classifier.classify(text)

    def welcome(self, now: dt.datetime | None = None, *, bilingual: bool = False) -> Reply:
        """The first message of a conversation, with the service buttons and the button to
        the other language. ``bilingual``: the language is not known yet, so it greets in
        Irish and English alike (Irish first) and offers both language buttons."""
        now = now or dt.datetime.now(DUBLIN)
        if bilingual and self.bilingual:
            return self._bilingual_welcome(now)
        text = "\n\n".join(
            [self.text(self.messages.welcome), self._services_list(), self._helpline_line(now)]
        )
        choices = self._menu()
        if self.bilingual:
            other = ENGLISH if self.language == IRISH else IRISH
            choices = (*choices, self.language_button(other))
        return self._reply(kind="welcome", text=text, choices=choices)

    def _bilingual_welcome(self, now: dt.datetime) -> Reply:
        irish, english = self.in_(IRISH), self.in_(ENGLISH)
        m = self.messages
        both = [irish.text(m.can_help_with), english.text(m.can_help_with)]
        listed = [
            f"- {_both(irish.text(s.title), english.text(s.title))}" for s in self.table.services
        ]
        text = "\n\n".join(
            [
                irish.text(m.welcome),
                english.text(m.welcome),
                "\n".join([*both, *listed]),
                irish._helpline_line(now),
                english._helpline_line(now),
            ]
        )
        menu = tuple(
            Choice(_both(a.label, b.label), a.value)
            for a, b in zip(irish._menu(), english._menu())
        )
        buttons = (self.language_button(IRISH), self.language_button(ENGLISH), *menu)
        return Reply(kind="welcome", text=text, choices=buttons, language=ENGLISH)

    def team_intro(self) -> Reply:
        return self._reply(kind="team_intro", text=self.text(self.messages.team_intro))

    def respond(
        self,
        text: str,
        facts: ConversationFacts,
        now: dt.datetime | None = None,
        result: Classification | None = None,
    ) -> Reply:
        """The reply to ``text``; ``result`` is its classification when the caller already
        has it (the bot classifies once per message)."""
        now = now or dt.datetime.now(DUBLIN)
        result = result if result is not None else self.classify(text)
        if result.is_emergency:
            return self._emergency(result, facts)
        found = self.table.area_matcher.find(text)
        if found is not None:
            facts = replace(facts, area=found.area_id, place=found.matched)
        if facts.awaiting_area_for and not result.intents and not result.candidates:
            if found is not None:
                return self._route(facts.awaiting_area_for, facts, now, result)
            return self._ask_area(facts.awaiting_area_for, facts, result, not_recognised=True)
        if result.candidates:
            return self._clarify(result, facts.settled())
        if result.intents or result.intent:
            ids = result.intents or ((result.intent,) if result.intent else ())
            reply = self._route(ids, facts, now, result)
            if getattr(result, "possible_emergency", False):
                reply = self._lead_with_danger(reply)
            return reply
        conversation = self.table.conversation
        topic = getattr(result, "topic", None)
        if conversation is not None and topic in conversation.topics:
            return self.other_matter(topic, facts.settled())
        act = getattr(result, "act", None)
        if conversation is not None and act and act in conversation.acts and act != "talk_to_person":
            return self.small_talk(act, facts.settled(), now)
        if act == "talk_to_person":
            return self._talk_to_someone(facts, now)
        reply = self._fallback(facts.settled(), result, now)
        if getattr(result, "possible_emergency", False):
            reply = self._lead_with_danger(reply)
        return reply

    # ----- conversation: small talk, other matters, around an emergency --------------------
    def helpline_values(self, now: dt.datetime) -> dict[str, str]:
        """What {name}, {phone}, {hours} and {status} stand for: the county helpline now."""
        h = self.table.helpline
        status = ""
        if h.schedule is not None:
            status = self._status_text(status_at(h.schedule, now), now)
        return {
            "name": self.text(h.name),
            "phone": h.phone.display if h.phone else (h.email or ""),
            "hours": self.hours_text(h.schedule, now) if h.schedule else "",
            "status": status,
        }

    def small_talk(self, act: str, facts: ConversationFacts, now: dt.datetime | None = None) -> Reply:
        """A short answer to a conversation act ("hello", "are you a robot", "is it open now")."""
        now = now or dt.datetime.now(DUBLIN)
        conversation = self.table.conversation
        if conversation is None or act not in conversation.acts:
            return self._fallback(facts.settled(), None, now)
        text = " ".join(
            self.text(conversation.acts[act]).format(**self.helpline_values(now)).split()
        )
        choices: tuple[Choice, ...] = ()
        if act in ("greeting", "help", "anyone_there", "acknowledgement"):
            text = "\n\n".join([text, self._services_list()])
            choices = self._menu()
        return self._reply(kind="small_talk", text=text, choices=choices, facts=facts.settled())

    def other_matter(self, topic: str, facts: ConversationFacts) -> Reply:
        """Where to go for something the helpline does not handle (bins, COVID, a scam)."""
        conversation = self.table.conversation
        assert conversation is not None
        return self._reply(
            kind="other_matter", text=self.text(conversation.topics[topic]), facts=facts.settled()
        )

    def after_emergency(self, facts: ConversationFacts, now: dt.datetime | None = None) -> Reply:
        """A follow-up right after the emergency reply ("she's breathing now, what do I do")."""
        now = now or dt.datetime.now(DUBLIN)
        conversation = self.table.conversation
        if conversation is None:
            return self._fallback(facts.settled(), None, now)
        text = self.text(conversation.after_emergency).format(**self.helpline_values(now))
        danger = self.table.emergency_danger
        contacts = tuple(
            ContactView(
                service_id="emergency", service_title="", name=self.text(call.name),
                phone=call.phone.display, phone_uri=call.phone.uri,
            )
            for call in danger.call
        )
        choices = (Choice(self.text(self.messages.talk_to_someone_button), TALK_TO_SOMEONE),)
        return self._reply(
            kind="after_emergency", text=text, contacts=contacts, choices=choices,
            facts=facts.settled(),
        )

    def offer_person(self, reply: Reply, now: dt.datetime | None = None) -> Reply:
        """``reply`` (a second "not understood" in a row) with how to reach a person first."""
        now = now or dt.datetime.now(DUBLIN)
        conversation = self.table.conversation
        if conversation is None:
            return reply
        lead = self.text(conversation.offer_person).format(**self.helpline_values(now))
        return replace(reply, text=f"{lead}\n\n{reply.text}")

    def no_requests(self, facts: ConversationFacts, now: dt.datetime | None = None) -> Reply:
        now = now or dt.datetime.now(DUBLIN)
        conversation = self.table.conversation
        assert conversation is not None
        text = self.text(conversation.no_requests).format(**self.helpline_values(now))
        return self._reply(kind="small_talk", text=text, facts=facts.settled())

    def _lead_with_danger(self, reply: Reply) -> Reply:
        """A message that may describe danger: the reply starts with 112/999, so it is never
        a contact card alone (in Teams the first paragraph is the text above the card)."""
        conversation = self.table.conversation
        if conversation is None:
            return reply
        lead = self.text(conversation.possible_danger)
        return replace(reply, text=f"{lead}\n\n{reply.text}")

    def choose(self, value: str, facts: ConversationFacts, now: dt.datetime | None = None) -> Reply:
        """A button press: routes directly, never through the classifier."""
        now = now or dt.datetime.now(DUBLIN)
        if value.startswith(SERVICE_PREFIX):
            service_id = value[len(SERVICE_PREFIX) :]
            if self.table.service(service_id) is not None:
                return self._route((service_id,), facts, now, None)
        elif value.startswith(AREA_PREFIX):
            area = self.table.area(value[len(AREA_PREFIX) :])
            if area is not None:
                facts = replace(facts, area=area.id, place=None)
                if facts.awaiting_area_for:
                    return self._route(facts.awaiting_area_for, facts, now, None)
                text = self.text(self.messages.area_noted).format(area=self.text(area.name))
                return self._reply(kind="welcome", text=text, choices=self._menu(), facts=facts)
        elif value == TALK_TO_SOMEONE:
            return self._talk_to_someone(facts, now)
        elif value.startswith(LANGUAGE_PREFIX):
            return self.in_(value[len(LANGUAGE_PREFIX) :]).welcome(now)
        return self._fallback(facts.settled(), None, now)

    # ----- replies ------------------------------------------------------------------------
    def _emergency(self, result: Classification, facts: ConversationFacts) -> Reply:
        reply: EmergencyReply = (
            self.table.emergency_self_harm
            if result.emergency_kind == "self_harm"
            else self.table.emergency_danger
        )
        contacts = tuple(
            ContactView(
                service_id="emergency",
                service_title="",
                name=self.text(call.name),
                phone=call.phone.display,
                phone_uri=call.phone.uri,
            )
            for call in reply.call
        )
        return self._reply(
            kind="emergency",
            text=self.text(reply.text),
            contacts=contacts,
            facts=facts.settled(),
            intent=result.intent,
            score=result.score,
        )

    def _route(
        self,
        service_ids: tuple[str, ...],
        facts: ConversationFacts,
        now: dt.datetime,
        result: Classification | None,
    ) -> Reply:
        found = [s for s in (self.table.service(i) for i in service_ids) if s is not None]
        if not found:
            return self._fallback(facts.settled(), result, now)
        today = local(now).date()
        paused = [s for s in found if s.paused_on(today) is not None]
        services = [s for s in found if s.paused_on(today) is None]
        if not services:
            return self._paused(paused, facts, result, now)
        ids = tuple(s.id for s in services)
        area = facts.area if self.table.area(facts.area) is not None else None
        if area is None and any(s.has_area_contacts for s in services):
            return self._ask_area(ids, facts, result, not_recognised=False)
        # The town matters only to services with contacts for particular towns.
        place = facts.place if any(c.places for s in services for c in s.contacts) else None
        text, contacts = self._contacts(services, ids, area, place, now)
        if paused:
            text = "\n\n".join([text, *self._pause_notes(paused, today)])
        return self._reply(
            kind="routed",
            text=text,
            title=", ".join(self.text(s.title) for s in services),
            contacts=contacts,
            facts=facts.settled(),
            intent=ids[0],
            intents=ids,
            score=result.score if result else 1.0,
        )

    def _contacts(
        self,
        services: list[Service],
        ids: tuple[str, ...],
        area: str | None,
        place: str | None,
        now: dt.datetime,
    ) -> tuple[str, tuple[ContactView, ...]]:
        minute = now.replace(second=0, microsecond=0)
        key = (ids, area, place, minute)
        cached = self._contacts_cache.get(key)
        if cached is None:
            shown = tuple(
                self._view(service, sc, minute)
                for service in services
                for sc in service.contacts_for(area, place)
            )
            text = "\n\n".join([self.text(self.messages.routed), *self._render_contacts(shown)])
            cached = (text, tuple(s.view for s in shown))
            if len(self._contacts_cache) >= 1024:
                self._contacts_cache.clear()
            self._contacts_cache[key] = cached
        return cached

    def _ask_area(
        self,
        service_ids: tuple[str, ...],
        facts: ConversationFacts,
        result: Classification | None,
        *,
        not_recognised: bool,
    ) -> Reply:
        names = ", ".join(self.text(a.name) for a in self.table.areas)
        m = self.messages
        lead = self.text(m.area_not_recognised if not_recognised else m.ask_area)
        return self._reply(
            kind="ask_area",
            text=f"{lead}\n{names}",
            choices=tuple(
                Choice(self.text(a.name), f"{AREA_PREFIX}{a.id}") for a in self.table.areas
            ),
            facts=replace(facts, awaiting_area_for=service_ids),
            intent=service_ids[0] if service_ids else None,
            intents=service_ids,
            score=result.score if result else 1.0,
        )

    def _paused(
        self,
        services: list[Service],
        facts: ConversationFacts,
        result: Classification | None,
        now: dt.datetime,
    ) -> Reply:
        ids = tuple(s.id for s in services)
        notes = self._pause_notes(services, local(now).date())
        return self._reply(
            kind="paused",
            text="\n\n".join([*notes, self._helpline_line(now)]),
            title=", ".join(self.text(s.title) for s in services),
            choices=self._menu(),
            facts=facts.settled(),
            intent=ids[0],
            intents=ids,
            score=result.score if result else 1.0,
        )

    def _pause_notes(self, services: list[Service], today: dt.date) -> list[str]:
        notes = []
        for service in services:
            pause = service.paused_on(today)
            if pause is not None:
                notes.append(f"{self.text(service.title)}: {self.text(pause.message)}")
        return notes

    def _clarify(self, result: Classification, facts: ConversationFacts) -> Reply:
        options = [s for s in (self.table.service(c) for c in result.candidates) if s][:2]
        if len(options) < 2:
            return self._fallback(facts, result, None)
        first, second = options
        text = self.text(self.messages.clarify).format(
            first=self.text(first.title), second=self.text(second.title)
        )
        return self._reply(
            kind="clarify",
            text=text,
            choices=tuple(
                Choice(self.text(s.title), f"{SERVICE_PREFIX}{s.id}") for s in options
            ),
            facts=facts,
            intents=tuple(s.id for s in options),
            score=result.score,
        )

    def _fallback(
        self,
        facts: ConversationFacts,
        result: Classification | None,
        now: dt.datetime | None = None,
    ) -> Reply:
        m = self.messages
        now = now or dt.datetime.now(DUBLIN)
        text = "\n\n".join(
            [self.text(m.fallback), self._services_list(), self._helpline_line(now)]
        )
        return self._reply(
            kind="fallback",
            text=text,
            choices=self._menu(),
            facts=facts,
            score=result.score if result else 0.0,
        )

    def _talk_to_someone(self, facts: ConversationFacts, now: dt.datetime) -> Reply:
        helpline = self.table.helpline
        options = self.table.helpline_out_of_hours
        shown = self._contact_view("", "", helpline, None, (), options, now)
        view = shown.view
        intro = self.text(self.messages.talk_to_someone).format(
            name=self.text(helpline.name), phone=view.phone or view.email or "", hours=view.hours
        )
        text = "\n\n".join([intro, *self._render_contacts((shown,), with_titles=False)])
        return self._reply(
            kind="talk_to_someone",
            text=text,
            contacts=(view,),
            facts=facts.settled(),
        )

    # ----- pieces -------------------------------------------------------------------------
    def _menu(self) -> tuple[Choice, ...]:
        buttons = [
            Choice(self.text(s.title), f"{SERVICE_PREFIX}{s.id}")
            for s in self.table.services
            if s.in_menu
        ]
        buttons.append(Choice(self.text(self.messages.talk_to_someone_button), TALK_TO_SOMEONE))
        return tuple(buttons)

    def _services_list(self) -> str:
        titles = (f"- {self.text(s.title)}" for s in self.table.services)
        return "\n".join([self.text(self.messages.can_help_with), *titles])

    def _helpline_line(self, now: dt.datetime) -> str:
        h = self.table.helpline
        hours = self.hours_text(h.schedule, now) if h.schedule else ""
        phone = h.phone.display if h.phone else (h.email or "")
        return self.text(self.messages.helpline).format(
            name=self.text(h.name), phone=phone, hours=hours
        )

    def _view(self, service: Service, sc: ServiceContact, now: dt.datetime) -> _Shown:
        return self._contact_view(
            service.id,
            self.text(service.title),
            sc.contact,
            sc.area,
            tuple(self.text(r) for r in service.have_ready),
            service.out_of_hours,
            now,
        )

    def _contact_view(
        self,
        service_id: str,
        service_title: str,
        contact: Contact,
        area: str | None,
        have_ready: tuple[str, ...],
        options: tuple[OutOfHoursOption, ...],
        now: dt.datetime,
    ) -> _Shown:
        status = status_at(contact.schedule, now) if contact.schedule else OpenStatus(True)
        available: tuple[str, ...] = ()
        if not status.open_now:
            available = tuple(
                self.text(o.text)
                for o in options
                if o.schedule is None or status_at(o.schedule, now).open_now
            )
        area_obj = self.table.area(area)
        view = ContactView(
            service_id=service_id,
            service_title=service_title,
            name=self.text(contact.name),
            phone=contact.phone.display if contact.phone else None,
            phone_uri=contact.phone.uri if contact.phone else None,
            email=contact.email,
            hours=self.hours_text(contact.schedule, now) if contact.schedule else "",
            open_now=status.open_now,
            status=self._status_text(status, now) if contact.schedule else "",
            out_of_hours=_OPTION_SEPARATOR.join(available),
            have_ready=have_ready,
            area=self.text(area_obj.name) if area_obj else None,
            note=self.text(contact.note),
        )
        return _Shown(view, available)

    def hours_text(self, schedule: Schedule, now: dt.datetime) -> str:
        """The hours sentence for ``schedule`` as of ``now``'s date (cached per day)."""
        today = local(now).date()
        key = (schedule.id, today)
        text = self._hours_cache.get(key)
        if text is None:
            if len(self._hours_cache) >= 256:
                self._hours_cache.clear()
            text = self._hours_cache[key] = describe(schedule, self._calendar, today)
        return text

    def _status_text(self, status: OpenStatus, now: dt.datetime) -> str:
        m = self.messages
        cal = self._calendar
        today = local(now).date()
        if status.open_now:
            if status.closes_at is None:
                return ""  # open round the clock: the hours line says so
            return tidy(self.text(m.open_now).format(time=self._until(status.closes_at, today)))
        if status.opens_at is None:
            return ""
        opens = status.opens_at
        gap = (opens.date() - today).days
        if gap == 0:
            day = self.text(m.today)
        elif gap == 1:
            day = self.text(m.tomorrow)
        elif gap < 7:
            day = cal.days[opens.weekday()]
        else:
            day = f"{cal.days[opens.weekday()]} {opens.day} {cal.months[opens.month - 1]}"
        return tidy(self.text(m.closed_now).format(day=day, time=clock(opens, cal.words)))

    def _until(self, closes: dt.datetime, today: dt.date) -> str:
        """ "5pm", "midnight", "8am tomorrow", "5pm Friday", "midnight Friday"."""
        words = self._calendar.words
        if closes.time() == dt.time(0, 0):  # midnight ends the day before
            day, time = closes.date() - dt.timedelta(days=1), words.midnight
        else:
            day, time = closes.date(), clock(closes, words)
        gap = (day - today).days
        if gap <= 0:
            return time
        if gap == 1:
            tomorrow = self.text(self.messages.tomorrow)
            return words.tomorrow_time.format(time=time, tomorrow=tomorrow)
        return words.time_day.format(time=time, day=self._calendar.days[day.weekday()])

    def _render_contacts(self, views: tuple[_Shown, ...], *, with_titles: bool = True) -> list[str]:
        """One block per contact; services sharing a contact are listed together."""
        labels = self.messages.labels
        label = self.text
        groups: dict[tuple[object, ...], list[_Shown]] = {}
        for shown in views:
            v = shown.view
            key = (v.name, v.phone, v.email, v.area, v.status)
            groups.setdefault(key, []).append(shown)
        blocks = []
        for shown_group in groups.values():
            group = [g.view for g in shown_group]
            v = group[0]
            titles = ", ".join(dict.fromkeys(g.service_title for g in group if g.service_title))
            lines = [f"{titles}: {v.name}" if with_titles and titles else v.name]
            if v.area:
                lines[0] += f" ({v.area})"
            if v.note:
                lines.append(v.note)
            if v.phone:
                lines.append(f"{label(labels.phone)}: {v.phone}")
            if v.email:
                lines.append(f"{label(labels.email)}: {v.email}")
            if v.hours:
                lines.append(f"{label(labels.hours)}: {v.hours}")
            if v.status:
                lines.append(v.status)
            options = list(dict.fromkeys(o for g in shown_group for o in g.options))
            if not v.open_now and options:
                lines.append(f"{label(self.messages.out_of_hours)} " + _OPTION_SEPARATOR.join(options))
            ready = list(dict.fromkeys(r for g in group for r in g.have_ready))
            if ready:
                lines.append(f"{label(labels.have_ready)}: " + "; ".join(ready))
            blocks.append("\n".join(lines))
        return blocks


def _both(irish: str, english: str) -> str:
    """One line in both languages, Irish first; once when they are the same ("HSELive")."""
    return irish if irish == english else f"{irish}{_BOTH}{english}"
