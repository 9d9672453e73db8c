import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from planwatch.reporting.calendar import due_instant
from planwatch.reporting.management.commands.make_calendar import resolve_plan
from planwatch.reporting.queries import Matrix, Stats, compliance_matrix, matrix_json


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _counts(stats: Stats) -> list[str]:
    return [
        str(n)
        for n in (
            stats.expected,
            stats.on_time,
            stats.late,
            stats.missing,
            stats.not_due,
            stats.returned,
        )
    ]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    for row in [head, *rows]:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  ".join(cells).rstrip())
        if row is head:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_table(matrix: Matrix) -> str:
    counts = ["expected", "on time", "late", "missing", "not due", "returned"]
    as_of = timezone.localtime(matrix.now).strftime("%d/%m/%Y %H:%M")
    lines = [f"{matrix.plan.document.number or matrix.plan}, {matrix.year} (as of {as_of})", ""]
    lines += _table(
        ["period", "due", *counts, "reported", "on time %"],
        [
            [
                period.key,
                period.due.strftime("%d/%m/%Y"),
                *_counts(stats),
                _pct(stats.reporting_rate),
                _pct(stats.timeliness_rate),
            ]
            for period, stats in matrix.columns
        ],
    )
    lines.append("")
    lines += _table(
        ["agency", *counts, "on time %", "avg delay"],
        [
            [
                row.agency.name,
                *_counts(row.stats),
                _pct(row.stats.on_time_rate),
                "—"
                if row.stats.average_delay_days is None
                else f"{row.stats.average_delay_days:.1f} d",
            ]
            for row in matrix.rows
        ],
    )
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "Which agencies reported on time, late or not at all: a plan's reports of a year, "
        "agencies × periods, as JSON or as tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="the plan's document number (01/CTr-UBND) or its id")
        parser.add_argument("--year", type=int, help="the calendar year (default: this year)")
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument(
            "--today",
            help="judge as at the end of this day (YYYY-MM-DD) instead of now",
        )

    def handle(self, *args: object, **options: object) -> None:
        now = timezone.now()
        if options.get("today"):
            try:
                now = due_instant(date.fromisoformat(str(options["today"])))
            except ValueError:
                raise CommandError(
                    f"--today: {options['today']!r} is not a date YYYY-MM-DD"
                ) from None
        year = options.get("year") or timezone.localtime(now).year
        assert isinstance(year, int)
        plan = resolve_plan(str(options["number"]), year)
        matrix = compliance_matrix(plan, year=year, now=now)
        if options["format"] == "table":
            self.stdout.write(render_table(matrix), ending="")
        else:
            self.stdout.write(json.dumps(matrix_json(matrix), ensure_ascii=False, indent=2))
