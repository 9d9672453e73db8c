"""Vietnamese first, English second: the catalogue, the compiled file and the pages.

The Vietnamese catalogue (``planwatch/locale/vi/LC_MESSAGES/django.po``) must be complete and
compiled: the ``.mo`` is committed so that a fresh install needs no gettext.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from planwatch.core.templatetags.planwatch import vnum
from planwatch.plans.models import Plan
from tests.conftest import client_for

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# %(name)s, %s, %d … as Python's %-formatting reads them.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")

Key = tuple[str | None, str, str | None]


def _key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def _translations(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


# ------------------------------------------------------------------ the catalogue


def test_vietnamese_catalogue_declares_one_plural_form(po):
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = [e for e in po if not e.obsolete]
    assert len(entries) > 100
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in _translations(e))]
    assert not untranslated, f"untranslated entries: {untranslated}"
    one_form = [e.msgid for e in entries if e.msgid_plural and sorted(e.msgstr_plural) != [0]]
    assert not one_form, f"plural entries without exactly msgstr[0]: {one_form}"


def test_translations_keep_every_placeholder(po):
    wrong = []
    for entry in po:
        wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for text in _translations(entry):
            if _placeholders(text) != wanted:
                wrong.append((entry.msgid, text))
    assert not wrong, f"placeholders lost or added: {wrong}"


def test_translations_are_nfc(po):
    decomposed = [
        e.msgid for e in po for t in _translations(e) if unicodedata.normalize("NFC", t) != t
    ]
    assert not decomposed, f"not NFC-normalised: {decomposed}"


def test_compiled_catalogue_matches_the_po_file(po):
    """A forgotten ``planwatch compilemessages`` fails here."""
    assert MO_PATH.exists(), "run: planwatch compilemessages"
    mo = polib.mofile(str(MO_PATH))
    compiled = {_key(e): _translations(e) for e in mo if e.msgid}
    source = {_key(e): _translations(e) for e in po if not e.obsolete and "fuzzy" not in e.flags}
    stale = sorted(
        k[1] for k in compiled.keys() | source.keys() if compiled.get(k) != source.get(k)
    )
    assert not stale, f"django.mo is stale, run planwatch compilemessages; differs on: {stale}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_catalogue_holds_every_string_marked_in_the_source(po, tmp_path, monkeypatch):
    """A string marked for translation but missing from the .po file (forgotten
    ``makemessages``) fails here. The extraction runs on a copy so the real catalogue is
    left alone."""
    source = Path(settings.PACKAGE_DIR)
    copy = tmp_path / "src" / source.name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    out = tmp_path / "locale"
    out.mkdir()
    monkeypatch.chdir(copy.parent)
    with override_settings(LOCALE_PATHS=[out]):
        call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)
    extracted = {_key(e) for e in polib.pofile(str(out / "vi" / "LC_MESSAGES" / "django.po"))}
    catalogue = {_key(e) for e in po if not e.obsolete}
    missing = extracted - catalogue
    assert not missing, f"run planwatch makemessages -l vi …; missing: {sorted(missing)}"


# ------------------------------------------------------------------ pages


def _plan_page(client, plan: Plan) -> str:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _figure_cell(html: str, figure: str) -> bool:
    return re.search(rf'<td class="num"[^>]*>\s*{re.escape(figure)}\s*</td>', html) is not None


def test_login_page_is_vietnamese_by_default(db):
    response = client_for(None).get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert "Log in" not in html
    assert response.headers["Content-Language"] == "vi"


def test_plan_page_is_vietnamese_by_default(demo_plans, personas):
    html = _plan_page(client_for(personas.consolidator), demo_plans["01"])
    assert '<html lang="vi">' in html
    for heading in ("Chỉ tiêu", "Nhiệm vụ", "Căn cứ", "Chỉ tiêu chủ yếu", "Đăng xuất"):
        assert heading in html
    for english in ("Targets", "Tasks by lead agency", "Legal basis", "Log out"):
        assert english not in html


def test_english_cookie_gives_english_pages(demo_plans, personas):
    client = client_for(personas.consolidator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _plan_page(client, demo_plans["01"])
    assert '<html lang="en">' in html
    for heading in ("Targets", "Tasks", "Legal basis", "Key targets", "Log out"):
        assert heading in html
    assert "Căn cứ" not in html and "Đăng xuất" not in html


def test_unknown_language_cookie_falls_back_to_vietnamese(demo_plans, personas):
    client = client_for(personas.consolidator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi">' in _plan_page(client, demo_plans["01"])


def test_switching_language_sets_the_cookie(demo_plans, personas):
    client = client_for(personas.consolidator)
    url = demo_plans["01"].get_absolute_url()
    assert '<html lang="vi">' in _plan_page(client, demo_plans["01"])

    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = _plan_page(client, demo_plans["01"])
    assert '<html lang="en">' in html and "Targets" in html

    client.post("/i18n/setlang/", {"language": "vi", "next": url})
    assert "Chỉ tiêu" in _plan_page(client, demo_plans["01"])


# ------------------------------------------------------------------ dates and figures


def test_plan_page_writes_dates_and_figures_the_vietnamese_way(demo_plans, personas):
    html = _plan_page(client_for(personas.consolidator), demo_plans["01"])
    assert "17/01/2025" in html
    assert _figure_cell(html, "27.026 tỷ đồng")
    assert not _figure_cell(html, "27,026 tỷ đồng")


def test_english_plan_page_keeps_day_first_dates_and_english_numbers(demo_plans, personas):
    client = client_for(personas.consolidator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _plan_page(client, demo_plans["01"])
    assert "17/01/2025" in html
    assert _figure_cell(html, "27,026 tỷ đồng")
    assert not _figure_cell(html, "27.026 tỷ đồng")


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("vi", Decimal("87.5"), "87,5"),
        ("vi", 27026, "27.026"),
        ("vi", Decimal("1234567.8"), "1.234.567,8"),
        ("vi", Decimal("80.0"), "80"),
        ("en", Decimal("87.5"), "87.5"),
        ("en", 27026, "27,026"),
        ("en", Decimal("1234567.8"), "1,234,567.8"),
    ],
)
def test_vnum_follows_the_active_language(language, value, expected):
    with translation.override(language):
        assert vnum(value) == expected


def test_vnum_leaves_missing_values_empty():
    with translation.override("vi"):
        assert vnum(None) == ""
        assert vnum("") == ""  # type: ignore[arg-type]
