"""Connector URLs: ids are quoted exactly as ``urllib.parse.quote(..., safe="")`` would,
with or without the shortcut for ids that need no quoting."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from bot.botframework.connector import activities_url

_IDS = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="abcXYZ019:@._~-/ %é", max_size=30),
)


@given(_IDS, _IDS)
def test_ids_are_quoted_as_quote_would(conversation_id: str, activity_id: str) -> None:
    url = activities_url("https://smba.example/emea/", conversation_id, activity_id or None)
    expected = f"https://smba.example/emea/v3/conversations/{quote(conversation_id, safe='')}/activities"
    if activity_id:
        expected += f"/{quote(activity_id, safe='')}"
    assert url == expected


def test_teams_ids() -> None:
    url = activities_url("https://smba.example", "19:abc@thread.tacv2;messageid=1", "1:x")
    assert url == (
        "https://smba.example/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1/activities/1%3Ax"
    )
