"""Typed readers of environment variables and DATABASE_URL (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planwatch.env import ConfigError, database_from_url, envbool, envint, envlist, envstr

BASE = Path("/srv/planwatch")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_envbool_reads_yes_and_no_words(
    monkeypatch: pytest.MonkeyPatch, raw: str, value: bool
) -> None:
    monkeypatch.setenv("PLANWATCH_TEST_FLAG", raw)
    assert envbool("PLANWATCH_TEST_FLAG", not value) is value


def test_envbool_falls_back_to_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANWATCH_TEST_FLAG", raising=False)
    assert envbool("PLANWATCH_TEST_FLAG", True) is True
    assert envbool("PLANWATCH_TEST_FLAG", False) is False


def test_envbool_rejects_another_word_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANWATCH_TEST_FLAG", "maybe")
    with pytest.raises(ConfigError, match=r"PLANWATCH_TEST_FLAG='maybe' is not a yes/no value"):
        envbool("PLANWATCH_TEST_FLAG", False)


def test_envint_reads_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_TEST_INT", " 42 ")
    assert envint("PLANWATCH_TEST_INT", 7) == 42


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_envint_falls_back_to_the_default_when_unset_or_empty(
    monkeypatch: pytest.MonkeyPatch, raw: str | None
) -> None:
    if raw is None:
        monkeypatch.delenv("PLANWATCH_TEST_INT", raising=False)
    else:
        monkeypatch.setenv("PLANWATCH_TEST_INT", raw)
    assert envint("PLANWATCH_TEST_INT", 7) == 7


@pytest.mark.parametrize("raw", ["abc", "4.5", "88%"])
def test_envint_rejects_a_non_number_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("PLANWATCH_TEST_INT", raw)
    with pytest.raises(ConfigError, match=r"PLANWATCH_TEST_INT=.* is not a whole number"):
        envint("PLANWATCH_TEST_INT", 7)


def test_envint_rejects_a_value_below_the_minimum_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENCY_MATCH_THRESHOLD", "20")
    with pytest.raises(ConfigError, match=r"AGENCY_MATCH_THRESHOLD=20 is below the minimum 50"):
        envint("AGENCY_MATCH_THRESHOLD", 88, minimum=50)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_TEST_LIST", " a.example , b.example,, ")
    assert envlist("PLANWATCH_TEST_LIST", ["x"]) == ["a.example", "b.example"]
    monkeypatch.delenv("PLANWATCH_TEST_LIST")
    assert envlist("PLANWATCH_TEST_LIST", ["x"]) == ["x"]


def test_envstr_reads_or_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_TEST_STR", "Vĩnh Phúc")
    assert envstr("PLANWATCH_TEST_STR", "") == "Vĩnh Phúc"
    monkeypatch.delenv("PLANWATCH_TEST_STR")
    assert envstr("PLANWATCH_TEST_STR", "planwatch") == "planwatch"


def test_a_relative_sqlite_url_is_taken_from_the_base_directory() -> None:
    db = database_from_url("sqlite:///data/planwatch.sqlite3", base_dir=BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(BASE / "data" / "planwatch.sqlite3")


def test_an_absolute_sqlite_url_keeps_its_path() -> None:
    db = database_from_url("sqlite:////var/lib/planwatch/db.sqlite3", base_dir=BASE)
    assert db["NAME"] == "/var/lib/planwatch/db.sqlite3"


def test_a_sqlite_database_enforces_foreign_keys() -> None:
    db = database_from_url("sqlite:///db.sqlite3", base_dir=BASE)
    options = db["OPTIONS"]
    assert isinstance(options, dict)
    assert "foreign_keys=ON" in options["init_command"]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
def test_a_sqlite_url_without_a_file_is_rejected(url: str) -> None:
    with pytest.raises(ConfigError, match="names no SQLite file"):
        database_from_url(url, base_dir=BASE)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_a_postgres_url_gives_every_connection_setting(scheme: str) -> None:
    db = database_from_url(
        f"{scheme}://plan%40user:s%3Acret@db.example:5433/planwatch?sslmode=require",
        base_dir=BASE,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "planwatch"
    assert db["USER"] == "plan@user"
    assert db["PASSWORD"] == "s:cret"
    assert db["HOST"] == "db.example"
    assert db["PORT"] == "5433"
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_a_postgres_url_without_port_or_password_leaves_them_empty() -> None:
    db = database_from_url("postgres://planwatch@localhost/planwatch", base_dir=BASE)
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "planwatch",
        "",
        "localhost",
        "",
    )


def test_a_postgres_url_without_a_database_name_is_rejected() -> None:
    with pytest.raises(ConfigError, match="names no database"):
        database_from_url("postgres://user@localhost/", base_dir=BASE)


def test_a_postgres_url_with_a_port_that_is_not_a_number_is_rejected() -> None:
    with pytest.raises(ConfigError, match="port that is not a number"):
        database_from_url("postgres://user@localhost:pg/planwatch", base_dir=BASE)


@pytest.mark.parametrize("url", ["mysql://user@localhost/planwatch", "planwatch.sqlite3", ""])
def test_an_unknown_database_scheme_is_rejected_naming_the_variable(url: str) -> None:
    with pytest.raises(ConfigError, match=r"DATABASE_URL=.*unknown scheme"):
        database_from_url(url, base_dir=BASE)
