import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.extraction import ExtractionError
from planwatch.plans.conflicts import read_plan_document


class Command(BaseCommand):
    help = "Read a plan document (txt, md, docx, xlsx, pdf) and print the draft plan file (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument(
            "--no-conflicts",
            action="store_true",
            help="do not compare with the plans already loaded",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            plan = read_plan_document(path, compare=not options["no_conflicts"]).plan
        except ExtractionError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        if options["format"] == "table":
            self.stdout.write(render_table(plan))
        else:
            self.stdout.write(json.dumps(plan, ensure_ascii=False, indent=1))


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(str(c)[:w].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def render_table(plan: dict) -> str:
    """The draft plan for a person to read in a terminal."""
    doc = plan["document"]
    lines = [
        f"{doc.get('kind') or ''} {doc.get('number') or '(no number)'}  "
        f"{doc.get('issued_on') or ''}",
        f"{doc.get('issuer') or ''}, {doc.get('place') or ''}; signed {doc.get('signer') or '—'}",
        f"{doc.get('title') or ''}",
        "",
        "Implements: " + ", ".join(d["number"] for d in plan["implements"]),
        f"References: {len(plan['references'])} documents",
        "",
        f"TARGETS ({len(plan['targets'])})",
    ]
    widths = [4, 5, 56, 8, 22, 6, 28]
    lines.append(_row(["id", "main", "indicator", "comp", "figure", "year", "lead"], widths))
    for t in plan["targets"]:
        figure = (
            f"{t.get('low')}-{t.get('high')}" if t["comparator"] == "range" else str(t.get("value"))
        )
        lines.append(
            _row(
                [t["id"], "*" if t["main"] else "", t["indicator"], t["comparator"],
                 f"{figure} {t.get('unit') or ''}", t.get("year") or "", t.get("lead") or ""],
                widths,
            )
        )  # fmt: skip
    lines += ["", f"TASKS ({len(plan['tasks'])})"]
    widths = [5, 14, 30, 11, 3, 70]
    lines.append(_row(["id", "section", "lead", "deadline", "rec", "text"], widths))
    for t in plan["tasks"]:
        lines.append(
            _row(
                [t["id"], t.get("section") or "", t.get("lead") or "", t.get("deadline") or "",
                 "yes" if t.get("recurring") else "", t["text"]],
                widths,
            )
        )  # fmt: skip
    lines += ["", f"REPORTING ({len(plan['reporting'])})"]
    for r in plan["reporting"]:
        lines.append(
            f"  {r['frequency']:<10} {r.get('who') or '—'} → {r.get('to') or '—'}: "
            f"{r.get('due') or ''}"
        )
    lines += ["", f"DEADLINES ({len(plan['deadlines'])})"]
    for d in plan["deadlines"]:
        lines.append(f"  {d['date']}  {d['what']}")
    if plan["notes"]:
        lines += ["", "NOTES"] + [f"  {n}" for n in plan["notes"]]
    return "\n".join(lines) + "\n"
