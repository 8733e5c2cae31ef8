"""Every word the staff page shows, one table per language.

``EN`` is complete. ``GA`` has a slot for every key (None until the Irish text is written);
a missing Irish text falls back to English, so the page works in either language at any
time. Placeholders in {curly brackets} are filled in by the page: keep them in translations.
"""

from __future__ import annotations

import string

LANGUAGES = ("en", "ga")
LANGUAGE_NAMES = {"en": "English", "ga": "Gaeilge"}

EN: dict[str, str] = {
    # layout
    "app_title": "Helpline staff",
    "skip_to_content": "Skip to content",
    "nav_requests": "Requests",
    "nav_not_understood": "Not understood",
    "nav_numbers": "Numbers",
    "nav_audit": "Audit log",
    "signed_in_as": "Signed in as {name}",
    "sign_out": "Sign out",
    "language": "Language",
    # signing in
    "signin_title": "Sign in",
    "signin_entra_intro": "Sign in with your Mayo County Council Microsoft account.",
    "signin_entra_button": "Sign in with your council account",
    "signin_link_intro": (
        "Until Entra ID sign-in is set up, this page works only on the computer running the "
        "bot. Make a sign-in link (valid for {minutes} minutes, once) in a terminal there:"
    ),
    "link_title": "Sign in with a link",
    "link_confirm": "Sign in as {name}",
    "link_invalid": "This sign-in link has expired or has been used. Make a new one:",
    "signin_refused_title": "You cannot use the staff page",
    "signin_refused": "Your account was refused: {reason}.",
    "refused_tenant": "it belongs to another organisation",
    "refused_access": "it is not in the helpline staff group or role; ask IT to add you",
    "refused_overage": (
        "it is in too many groups for the sign-in to list them; ask IT to use an app role"
    ),
    "refused_token": "the sign-in could not be checked",
    "refused_flow": "the sign-in took too long or was started elsewhere; try again",
    "signed_out": "You have signed out.",
    "session_expired": "You were signed out after a while without activity. Sign in again.",
    # errors
    "error_title": "Sorry",
    "error_forbidden": "That was refused.",
    "error_csrf": (
        "This form has expired or did not come from this page. Go back, reload the page and "
        "try again."
    ),
    "error_not_found": "There is no such page or request (a request may have been deleted).",
    "error_loopback": (
        "The staff page is only available on the computer running the bot until Entra ID "
        "sign-in is set up."
    ),
    "error_server": "The page hit a problem. Try again; if it keeps happening, tell IT.",
    "error_method": "That is not allowed here.",
    "back_to_requests": "Back to the requests",
    # requests
    "requests_title": "Call-back requests",
    "requests_intro": "Open requests first; overdue ones (not rung by the time promised) are marked.",
    "filter_service": "Service",
    "filter_area": "Area",
    "filter_status": "Status",
    "filter_all": "All",
    "filter_apply": "Show",
    "export_csv": "Download as CSV",
    "status_open": "Open",
    "status_claimed": "Taken",
    "status_done": "Done",
    "col_reference": "Reference",
    "col_received": "Received",
    "col_service": "Service",
    "col_area": "Area",
    "col_ring_by": "Ring back by",
    "col_status": "Status",
    "col_taken_by": "Taken by",
    "col_outcome": "Last outcome",
    "overdue": "Overdue",
    "no_requests": "No requests match.",
    "count_requests": "{count} request(s)",
    "request_title": "Request {reference}",
    "field_name": "Name",
    "field_phone": "Phone",
    "field_area": "Area",
    "field_town": "Town or place",
    "field_need": "What they need",
    "field_received": "Received",
    "field_ring_by": "Ring back by",
    "field_status": "Status",
    "field_taken_by": "Taken by",
    "field_none": "—",
    "claim_title": "Take this request",
    "claim_button": "I'll take it",
    "outcome_title": "Record what happened",
    "outcome_label": "Outcome",
    "outcome_rang_sorted": "Rang and sorted",
    "outcome_no_answer": "No answer",
    "outcome_try_later": "Try again later",
    "outcome_volunteer": "Passed to a volunteer group",
    "note_label": "Note (optional)",
    "record_outcome": "Record outcome",
    "handover_title": "Hand over",
    "handover_label": "Give it to",
    "handover_button": "Hand over",
    "history_title": "What staff did",
    "history_outcome": "{staff}: {outcome}",
    "history_handover": "{staff} handed it to {to}",
    "history_empty": "Nothing recorded yet.",
    "claimed_ok": "You have taken {reference}.",
    "claim_lost": "{staff} took {reference} first.",
    "outcome_ok": "Outcome recorded for {reference}.",
    "handover_ok": "{reference} is now with {to}.",
    "handover_empty": "Say who takes it over.",
    # not understood
    "unclear_title": "Not understood",
    "unclear_intro": (
        "Messages the bot could not route, or had to ask about, in the last {days} days, "
        "newest first and grouped when alike. Personal details are masked."
    ),
    "col_message": "Message",
    "col_times": "Times",
    "col_last_seen": "Last seen",
    "col_kind": "What the bot did",
    "kind_fallback": "Did not understand",
    "kind_clarify": "Asked which service",
    "similar": "Also written as:",
    "teach_button": "Teach the bot",
    "no_unclear": "Nothing here: the bot understood every message in the last {days} days.",
    # teaching
    "teach_title": "Teach the bot",
    "teach_intro": (
        "Pick the service a message is about and a phrase the bot should recognise. Nothing "
        "changes until the phrase is saved or pasted into the routing file."
    ),
    "teach_message": "The message",
    "teach_service": "Service",
    "teach_choose": "Choose a service",
    "teach_phrase": "Phrase",
    "teach_phrase_help": "A few words as citizens write them, without masked parts.",
    "teach_preview": "Check it",
    "teach_check_title": "What routing check says",
    "teach_check_ok": "OK — {services} services, {examples} examples all routed correctly",
    "teach_check_problems": "{count} problem(s) found — the bot would not use this file",
    "teach_check_misroutes": "valid, but {wrong} of {total} examples went to the wrong place",
    "teach_phrase_now": "Today this phrase goes to: {target}",
    "teach_phrase_after": "After the change it goes to: {target}",
    "teach_effect_title": "Effect on recorded messages",
    "teach_effect": "{changed} of {total} recorded messages would now go elsewhere.",
    "col_before": "Today",
    "col_after": "After the change",
    "teach_yaml_title": "The change to the routing file",
    "teach_yaml_help": (
        "Paste it into config/routing.yaml (the phrase in the service's phrases, the example "
        "under examples:), then run: python -m routing check"
    ),
    "teach_save": "Save it and reload the bot",
    "teach_saved": "Saved: the bot now recognises \u201c{phrase}\u201d for {service}.",
    "teach_stale": "The routing file changed since you checked. Check again.",
    "teach_cannot_save": (
        "This page may not change the routing file (STAFF_PAGE_CAN_EDIT_ROUTING is off): "
        "paste the change instead."
    ),
    "teach_not_saved": "Not saved: fix the problems above first.",
    "refused_masked": "Take the masked parts ([name], [phone], [email], [eircode]) out of the phrase.",
    "refused_length": "A phrase is 2 to 80 characters on one line.",
    "refused_service": "Pick a service.",
    "refused_exists": "That phrase is already listed for this service.",
    "route_none": "no service (the helpline number)",
    "route_emergency": "the emergency numbers",
    "route_clarify": "a question: {choices}?",
    # numbers
    "numbers_title": "Numbers",
    "numbers_intro": "The last {days} days, Irish time.",
    "period": "Period",
    "days_n": "{n} days",
    "summary_title": "At a glance",
    "messages": "Messages",
    "requests": "Call-back requests",
    "emergencies": "Emergencies",
    "unclear": "Not understood",
    "share_without_person": "Answered without a person",
    "share_irish": "In Irish",
    "time_to_claim": "Request to claim (median)",
    "time_to_outcome": "Request to first outcome (median)",
    "p90": "9 in 10 within {value}",
    "live_chats": "Live chats and waits",
    "live_none": "No one asked for a person in this period.",
    "live_taken": "{taken} taken by staff; waited {median} (9 in 10 within {p90})",
    "live_timed_out": "{timed_out} offered a call-back: nobody was free in time",
    "live_helped": "Did it help? Yes {helped}, no {not_helped}",
    "live_now": "Now: {waiting} waiting, {active} in a chat",
    "by_day": "By day",
    "by_service": "By service",
    "by_district": "By municipal district",
    "col_day": "Day",
    "col_messages": "Messages",
    "col_requests": "Requests",
    "col_emergencies": "Emergencies",
    "col_unclear": "Not understood",
    "col_district": "District",
    "unknown_district": "Not known",
    "no_service": "No service",
    "seconds": "{n} s",
    "minutes": "{n} min",
    "hours_minutes": "{h} h {m} min",
    "no_data": "—",
    "chart_by_day": "Messages, requests and emergencies by day",
    "chart_by_service": "Messages and requests by service",
    # audit
    "audit_title": "Audit log",
    "audit_intro": "Every staff action: who, what, when (newest first).",
    "col_when": "When",
    "col_who": "Who",
    "col_action": "Action",
    "col_detail": "Detail",
    "action_signed_in": "Signed in",
    "action_signed_out": "Signed out",
    "action_sign_in_refused": "Sign-in refused",
    "action_viewed": "Opened the request",
    "action_claimed": "Took the request",
    "action_claim_lost": "Tried to take it (someone was first)",
    "action_outcome": "Recorded an outcome",
    "action_handed_over": "Handed over",
    "action_exported_csv": "Downloaded the requests (CSV)",
    "action_taught": "Taught the bot a phrase",
}

GA: dict[str, str | None] = {key: None for key in EN}  # Irish: to be filled in


TABLES: dict[str, dict[str, str | None]] = {"en": dict(EN), "ga": GA}


def text(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (English where the Irish is not written yet),
    with its placeholders filled in."""
    table = TABLES.get(language) or TABLES["en"]
    template = table.get(key) or EN[key]
    return template.format(**values) if values else template


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}
