"""What every browser test shares: Debian's chromium, its flags, the skip when it is missing,
and leave for the ORM to run beside Playwright's event loop.

Use in a test module::

    from tests.browser import BROWSER_MARKS, allow_orm_beside_playwright, launch  # noqa: F401
    pytestmark = BROWSER_MARKS
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (Debian: apt-get install chromium); no browser test",
    ),
]


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Playwright's sync API runs an asyncio event loop in the test's thread; Django would
    otherwise refuse ORM calls made while that loop exists. Only for the modules using it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield


def launch(playwright: Any) -> Any:
    """Debian's chromium, headless, with the flags this closed network needs."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
