"""Typed readers of environment variables that fail fast with a clear message.

Used by :mod:`planwatch.settings`; no Django import, so it is safe at settings time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigError(ValueError):
    """An environment variable holds a value planwatch cannot use."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(
        f"{name}={raw!r} is not a yes/no value; use one of 1, true, yes, on, 0, false, no, off"
    )


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """Turn ``DATABASE_URL`` into a Django ``DATABASES['default']`` entry.

    ``sqlite:///relative/path.db`` (relative to ``base_dir``), ``sqlite:////absolute.db`` and
    ``postgres://user:password@host:port/name`` (also ``postgresql://``) are understood.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(parts.path)
        if raw_path in ("", "/"):
            raise ConfigError(f"DATABASE_URL={url!r} names no SQLite file")
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if raw_path.startswith("//"):
            path = Path(raw_path[1:])
        elif not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {"init_command": "PRAGMA foreign_keys=ON;", "transaction_mode": "IMMEDIATE"},
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError(f"DATABASE_URL={url!r} names no database")
        options: dict[str, str] = {}
        query: Mapping[str, list[str]] = parse_qs(parts.query)
        for key, values in query.items():
            options[key] = values[-1]
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"DATABASE_URL={url!r} has a port that is not a number") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
        }
    raise ConfigError(
        f"DATABASE_URL={url!r}: unknown scheme {scheme!r}; use sqlite:///path or postgres://…"
    )
