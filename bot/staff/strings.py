"""Every word the staff page shows, one table per language.

``EN`` and ``GA`` (Irish) are complete; a key missing from ``GA`` (or None) falls back to
English, so the page works in either language at any time. Placeholders in {curly brackets}
are filled in by the page: keep them in translations (tests/staff checks both tables).
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
    "field_language": "Language",
    "col_language": "Language",
    "language_en": "English",
    "language_ga": "Irish (Gaeilge)",
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

GA: dict[str, str | None] = {
    # layout
    "app_title": "Foireann na líne cabhrach",
    "skip_to_content": "Téigh go dtí an t-ábhar",
    "nav_requests": "Iarratais",
    "nav_not_understood": "Nár tuigeadh",
    "nav_numbers": "Figiúirí",
    "nav_audit": "Loga iniúchta",
    "signed_in_as": "Sínithe isteach mar {name}",
    "sign_out": "Sínigh amach",
    "language": "Teanga",
    # signing in
    "signin_title": "Sínigh isteach",
    "signin_entra_intro": "Sínigh isteach le do chuntas Microsoft de chuid Chomhairle Contae Mhaigh Eo.",
    "signin_entra_button": "Sínigh isteach le do chuntas comhairle",
    "signin_link_intro": (
        "Go dtí go mbeidh síniú isteach Entra ID curtha ar bun, ní oibríonn an leathanach seo ach "
        "ar an ríomhaire a bhfuil an bot ag rith air. Déan nasc síniú isteach (bailí ar feadh "
        "{minutes} nóiméad, uair amháin) i dteirminéal ansin:"
    ),
    "link_title": "Sínigh isteach le nasc",
    "link_confirm": "Sínigh isteach mar {name}",
    "link_invalid": "Tá an nasc síniú isteach seo as feidhm nó úsáidte cheana. Déan nasc nua:",
    "signin_refused_title": "Ní féidir leat leathanach na foirne a úsáid",
    "signin_refused": "Diúltaíodh do do chuntas: {reason}.",
    "refused_tenant": "is le heagraíocht eile é",
    "refused_access": (
        "níl sé i ngrúpa ná i ról fhoireann na líne cabhrach; iarr ar an Rannóg TF tú a chur leis"
    ),
    "refused_overage": (
        "tá sé i ró-mhéad grúpaí le go liostálfadh an síniú isteach iad; iarr ar an Rannóg TF ról "
        "aipe a úsáid"
    ),
    "refused_token": "níorbh fhéidir an síniú isteach a sheiceáil",
    "refused_flow": "thóg an síniú isteach rófhada nó tosaíodh é in áit eile; bain triail eile as",
    "signed_out": "Shínigh tú amach.",
    "session_expired": "Síníodh amach thú tar éis tamaill gan ghníomhaíocht. Sínigh isteach arís.",
    # errors
    "error_title": "Tá brón orainn",
    "error_forbidden": "Diúltaíodh dó sin.",
    "error_csrf": (
        "Tá an fhoirm seo as feidhm nó níor tháinig sí ón leathanach seo. Téigh siar, athluchtaigh "
        "an leathanach agus bain triail eile as."
    ),
    "error_not_found": "Níl a leithéid de leathanach ná d'iarratas ann (b'fhéidir gur scriosadh an t-iarratas).",
    "error_loopback": (
        "Níl leathanach na foirne ar fáil ach ar an ríomhaire a bhfuil an bot ag rith air go dtí "
        "go mbeidh síniú isteach Entra ID curtha ar bun."
    ),
    "error_server": "Bhí fadhb ag an leathanach. Bain triail eile as; má leanann sé air, inis don Rannóg TF.",
    "error_method": "Ní cheadaítear é sin anseo.",
    "back_to_requests": "Ar ais chuig na hiarratais",
    # requests
    "requests_title": "Iarratais ar ghlaoch ar ais",
    "requests_intro": (
        "Na hiarratais oscailte ar dtús; tá marc ar na cinn atá thar téarma (nár glaodh orthu "
        "faoin am a gealladh)."
    ),
    "filter_service": "Seirbhís",
    "filter_area": "Ceantar",
    "filter_status": "Stádas",
    "filter_all": "Gach ceann",
    "filter_apply": "Taispeáin",
    "export_csv": "Íoslódáil mar CSV",
    "status_open": "Oscailte",
    "status_claimed": "Glactha",
    "status_done": "Déanta",
    "col_reference": "Uimhir thagartha",
    "col_received": "Faighte",
    "col_service": "Seirbhís",
    "col_area": "Ceantar",
    "col_ring_by": "Glaoch ar ais faoi",
    "col_status": "Stádas",
    "col_taken_by": "Glactha ag",
    "col_outcome": "An toradh is déanaí",
    "overdue": "Thar téarma",
    "no_requests": "Níl aon iarratas a oireann.",
    "count_requests": "{count} iarratas",
    "request_title": "Iarratas {reference}",
    "field_name": "Ainm",
    "field_phone": "Fón",
    "field_area": "Ceantar",
    "field_town": "Baile nó áit",
    "field_language": "Teanga",
    "col_language": "Teanga",
    "language_en": "Béarla",
    "language_ga": "Gaeilge",
    "field_need": "An cúnamh atá uathu",
    "field_received": "Faighte",
    "field_ring_by": "Glaoch ar ais faoi",
    "field_status": "Stádas",
    "field_taken_by": "Glactha ag",
    "field_none": "—",
    "claim_title": "Glac leis an iarratas seo",
    "claim_button": "Glacfaidh mise leis",
    "outcome_title": "Taifead cad a tharla",
    "outcome_label": "Toradh",
    "outcome_rang_sorted": "Glaodh agus réitíodh é",
    "outcome_no_answer": "Níor freagraíodh",
    "outcome_try_later": "Bain triail as arís níos déanaí",
    "outcome_volunteer": "Tugadh do ghrúpa deonach é",
    "note_label": "Nóta (roghnach)",
    "record_outcome": "Taifead an toradh",
    "handover_title": "Tabhair do dhuine eile",
    "handover_label": "Tabhair do",
    "handover_button": "Tabhair uait é",
    "history_title": "Cad a rinne an fhoireann",
    "history_outcome": "{staff}: {outcome}",
    "history_handover": "Thug {staff} do {to} é",
    "history_empty": "Níl aon rud taifeadta fós.",
    "claimed_ok": "Ghlac tú le {reference}.",
    "claim_lost": "Ghlac {staff} le {reference} romhat.",
    "outcome_ok": "Taifeadadh an toradh do {reference}.",
    "handover_ok": "Tá {reference} ag {to} anois.",
    "handover_empty": "Abair cé a ghlacfaidh leis.",
    # not understood
    "unclear_title": "Nár tuigeadh",
    "unclear_intro": (
        "Teachtaireachtaí nach bhféadfadh an bot a sheoladh ar aghaidh, nó ar ghá dó ceist a chur "
        "fúthu, le {days} lá anuas, an ceann is nuaí ar dtús agus na cinn atá cosúil le chéile le "
        "chéile. Tá sonraí pearsanta folaithe."
    ),
    "col_message": "Teachtaireacht",
    "col_times": "Líon uaireanta",
    "col_last_seen": "Feicthe go deireanach",
    "col_kind": "Cad a rinne an bot",
    "kind_fallback": "Níor thuig sé",
    "kind_clarify": "D'fhiafraigh sé cén tseirbhís",
    "similar": "Scríobhadh freisin mar:",
    "teach_button": "Múin don bot",
    "no_unclear": "Níl aon rud anseo: thuig an bot gach teachtaireacht le {days} lá anuas.",
    # teaching
    "teach_title": "Múin don bot",
    "teach_intro": (
        "Roghnaigh an tseirbhís a bhaineann leis an teachtaireacht agus frása ba cheart don bot a "
        "aithint. Ní athraíonn aon rud go dtí go sábháiltear an frása nó go ngreamaítear isteach sa "
        "chomhad ródúcháin é."
    ),
    "teach_message": "An teachtaireacht",
    "teach_service": "Seirbhís",
    "teach_choose": "Roghnaigh seirbhís",
    "teach_phrase": "Frása",
    "teach_phrase_help": "Cúpla focal mar a scríobhann saoránaigh iad, gan na codanna folaithe.",
    "teach_preview": "Seiceáil é",
    "teach_check_title": "Cad a deir routing check",
    "teach_check_ok": "Ceart go leor — {services} seirbhís, {examples} sampla ar fad ródaithe i gceart",
    "teach_check_problems": "{count} fadhb aimsithe — ní úsáidfeadh an bot an comhad seo",
    "teach_check_misroutes": "bailí, ach chuaigh {wrong} as {total} sampla go dtí an áit mhícheart",
    "teach_phrase_now": "Inniu, téann an frása seo chuig: {target}",
    "teach_phrase_after": "Tar éis an athraithe, rachaidh sé chuig: {target}",
    "teach_effect_title": "An tionchar ar theachtaireachtaí taifeadta",
    "teach_effect": "Rachadh {changed} as {total} teachtaireacht thaifeadta áit eile anois.",
    "col_before": "Inniu",
    "col_after": "Tar éis an athraithe",
    "teach_yaml_title": "An t-athrú ar an gcomhad ródúcháin",
    "teach_yaml_help": (
        "Greamaigh isteach in config/routing.yaml é (an frása i bhfrásaí na seirbhíse, an sampla "
        "faoi examples:), ansin rith: python -m routing check"
    ),
    "teach_save": "Sábháil é agus athluchtaigh an bot",
    "teach_saved": "Sábháilte: aithníonn an bot \u201c{phrase}\u201d anois do {service}.",
    "teach_stale": "Athraíodh an comhad ródúcháin ó rinne tú an seiceáil. Seiceáil arís.",
    "teach_cannot_save": (
        "Ní féidir leis an leathanach seo an comhad ródúcháin a athrú "
        "(tá STAFF_PAGE_CAN_EDIT_ROUTING múchta): greamaigh isteach an t-athrú ina áit sin."
    ),
    "teach_not_saved": "Níor sábháladh é: réitigh na fadhbanna thuas ar dtús.",
    "refused_masked": (
        "Bain na codanna folaithe ([name], [phone], [email], [eircode]) as an bhfrása."
    ),
    "refused_length": "Bíonn frása idir 2 agus 80 carachtar ar líne amháin.",
    "refused_service": "Roghnaigh seirbhís.",
    "refused_exists": "Tá an frása sin liostaithe don tseirbhís seo cheana.",
    "route_none": "seirbhís ar bith (uimhir na líne cabhrach)",
    "route_emergency": "na huimhreacha éigeandála",
    "route_clarify": "ceist: {choices}?",
    # numbers
    "numbers_title": "Figiúirí",
    "numbers_intro": "Na {days} lá is déanaí, am na hÉireann.",
    "period": "Tréimhse",
    "days_n": "{n} lá",
    "summary_title": "Sracfhéachaint",
    "messages": "Teachtaireachtaí",
    "requests": "Iarratais ar ghlaoch ar ais",
    "emergencies": "Éigeandálaí",
    "unclear": "Nár tuigeadh",
    "share_without_person": "Freagartha gan duine",
    "share_irish": "I nGaeilge",
    "time_to_claim": "Ón iarratas go dtí gur glacadh leis (airmheán)",
    "time_to_outcome": "Ón iarratas go dtí an chéad toradh (airmheán)",
    "p90": "9 as 10 laistigh de {value}",
    "live_chats": "Comhráite beo agus fanacht",
    "live_none": "Níor iarr aon duine labhairt le duine sa tréimhse seo.",
    "live_taken": "Ghlac an fhoireann le {taken}; fanacht {median} (9 as 10 laistigh de {p90})",
    "live_timed_out": "Tairgeadh glaoch ar ais do {timed_out}: ní raibh aon duine saor in am",
    "live_helped": "An raibh sé ina chabhair? Bhí {helped}, ní raibh {not_helped}",
    "live_now": "Anois: {waiting} ag fanacht, {active} i gcomhrá",
    "by_day": "De réir lae",
    "by_service": "De réir seirbhíse",
    "by_district": "De réir ceantair bhardasaigh",
    "col_day": "Lá",
    "col_messages": "Teachtaireachtaí",
    "col_requests": "Iarratais",
    "col_emergencies": "Éigeandálaí",
    "col_unclear": "Nár tuigeadh",
    "col_district": "Ceantar",
    "unknown_district": "Níl a fhios",
    "no_service": "Gan seirbhís",
    "seconds": "{n} soic",
    "minutes": "{n} nóim",
    "hours_minutes": "{h} u {m} nóim",
    "no_data": "—",
    "chart_by_day": "Teachtaireachtaí, iarratais agus éigeandálaí de réir lae",
    "chart_by_service": "Teachtaireachtaí agus iarratais de réir seirbhíse",
    # audit
    "audit_title": "Loga iniúchta",
    "audit_intro": "Gach gníomh foirne: cé, cad, cathain (an ceann is nuaí ar dtús).",
    "col_when": "Cathain",
    "col_who": "Cé",
    "col_action": "Gníomh",
    "col_detail": "Mionsonraí",
    "action_signed_in": "Shínigh isteach",
    "action_signed_out": "Shínigh amach",
    "action_sign_in_refused": "Diúltaíodh don síniú isteach",
    "action_viewed": "D'oscail an t-iarratas",
    "action_claimed": "Ghlac leis an iarratas",
    "action_claim_lost": "Rinne iarracht glacadh leis (bhí duine eile roimhe)",
    "action_outcome": "Thaifead toradh",
    "action_handed_over": "Thug do dhuine eile é",
    "action_exported_csv": "D'íoslódáil na hiarratais (CSV)",
    "action_taught": "Mhúin frása don bot",
}


TABLES: dict[str, dict[str, str | None]] = {"en": dict(EN), "ga": GA}


def text(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (English where the Irish is not written yet),
    with its placeholders filled in."""
    table = TABLES.get(language) or TABLES["en"]
    template = table.get(key) or EN[key]
    return template.format(**values) if values else template


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}
