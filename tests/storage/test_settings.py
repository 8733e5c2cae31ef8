"""DATABASE_URL: which database the app opens, and a clear stop for a malformed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import open_database
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase
from config.settings import Settings, SettingsError


@pytest.mark.parametrize(
    "env, url",
    [
        ({}, "var/helpline.db"),
        ({"HELPLINE_DB": "/srv/helpline/h.db"}, "/srv/helpline/h.db"),
        ({"DATABASE_URL": "sqlite:///srv/h.db", "HELPLINE_DB": "/x.db"}, "sqlite:///srv/h.db"),
        (
            {"DATABASE_URL": " postgresql://helpline:pw@db.example:5432/helpline "},
            "postgresql://helpline:pw@db.example:5432/helpline",
        ),
        ({"DATABASE_URL": "postgres://db.example/helpline"}, "postgres://db.example/helpline"),
        (
            {"DATABASE_URL": "postgresql://h@db1:5432,db2:5432/helpline?target_session_attrs=read-write"},
            "postgresql://h@db1:5432,db2:5432/helpline?target_session_attrs=read-write",
        ),
        (
            {"DATABASE_URL": "postgresql://helpline@/helpline?host=/run/postgresql&sslmode=disable"},
            "postgresql://helpline@/helpline?host=/run/postgresql&sslmode=disable",
        ),
    ],
    ids=["default-file", "helpline-db", "sqlite-url", "postgresql", "postgres-scheme",
         "two-hosts", "unix-socket"],
)
def test_the_database_the_app_opens(env: dict[str, str], url: str) -> None:
    settings = Settings.from_env(env)
    assert settings.storage_url == url
    db = open_database(settings.storage_url)  # opens nothing until first used
    expected = PostgresDatabase if url.startswith("postgres") else SqliteDatabase
    assert isinstance(db, expected)
    db.close()


def test_without_settings_from_the_environment_the_database_is_in_memory() -> None:
    assert Settings().storage_url == ":memory:"
    assert Settings(database=Path("x.db")).storage_url == "x.db"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://helpline:s3cret@db.example/helpline",
        "postgresql://helpline:s3cret@db.example/helpline?no_such_option=1",
        "postgresql://helpline:s3cret@db.example:54x2/helpline",
        "postgresql://helpline:s3cret@[::1/helpline",
        "host=db.example password=s3cret",
        "sqlite://relative.db",
        "sqlite:///",
    ],
    ids=["other-database", "unknown-option", "bad-port", "bad-ipv6", "keyword-form",
         "sqlite-two-slashes", "sqlite-no-path"],
)
def test_a_malformed_database_url_stops_start_up_without_showing_the_password(url: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DATABASE_URL": url})
    message = str(raised.value)
    assert message.startswith("DATABASE_URL=") and "s3cret" not in message
    assert "sqlite:///" in message or "postgresql://USER" in message  # says what to write


def test_the_url_is_not_in_the_settings_repr() -> None:
    settings = Settings.from_env({"DATABASE_URL": "postgresql://h:s3cret@db/helpline"})
    assert "s3cret" not in repr(settings)
