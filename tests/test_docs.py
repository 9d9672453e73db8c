"""The docs describe the code as it is (after datasette's tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

from planwatch import cli
from planwatch.plans import planfile

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PLAN_FILE_DOC = (ROOT / "docs" / "plan-file.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands():
    assert "make demo" in README
    assert "make test" in README


@pytest.mark.parametrize("command", sorted(cli.PLANWATCH_COMMANDS))
def test_every_planwatch_command_is_in_the_readme_and_exists(command):
    assert f"planwatch {command}" in README
    assert command.replace("-", "_") in get_commands()


def test_every_command_the_readme_shows_exists():
    shown = set(re.findall(r"`planwatch ([a-z][a-z-]+)", README))
    known = set(get_commands()) | {"help"}
    assert shown, "the README shows no planwatch command"
    assert {name.replace("-", "_") for name in shown} <= known


def test_readme_makefile_targets_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"`make ([a-z]+)", README)):
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is in the README only"


@pytest.mark.parametrize(
    "fields",
    [
        planfile._TOP_FIELDS,
        planfile._DOC_FIELDS,
        planfile._REF_FIELDS,
        planfile._TARGET_FIELDS,
        planfile._TASK_FIELDS,
        planfile._REPORTING_FIELDS,
        planfile._DEADLINE_FIELDS,
    ],
)
def test_plan_file_doc_names_every_field(fields):
    for name in fields:
        assert f"`{name}`" in PLAN_FILE_DOC, f"docs/plan-file.md does not describe {name}"


def test_plan_file_doc_lists_comparators_and_frequencies():
    for value in (*planfile.COMPARATORS, *planfile.FREQUENCIES):
        assert f"`{value}`" in PLAN_FILE_DOC


def test_readme_screenshot_exists():
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / image).is_file(), image
