from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from planwatch.plans.models import Plan
from planwatch.plans.queries import PlanNotFound, find_plan
from planwatch.reporting.actions import generate_calendar


def resolve_plan(ref: str, year: int) -> Plan:
    """A plan by number; when several share it, the one of ``year``."""
    try:
        return find_plan(ref)
    except PlanNotFound as exc:
        try:
            return find_plan(ref, year=year)
        except PlanNotFound:
            raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "Create a plan's reporting periods for a year from its reporting rules, and the report "
        "each obliged agency owes for each. Running it again creates only what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="the plan's document number (01/CTr-UBND) or its id")
        parser.add_argument("--year", type=int, help="the calendar year (default: this year)")

    def handle(self, *args: object, **options: object) -> None:
        year = options.get("year") or timezone.localdate().year
        assert isinstance(year, int)
        plan = resolve_plan(str(options["number"]), year)
        result = generate_calendar(plan, year=year)
        periods = plan.periods.filter(end__year=year).count()
        self.stdout.write(
            f"{plan.document.number or plan}, {year}: {result.periods_created} periods and "
            f"{result.reports_created} reports created ({periods} periods in the year)"
        )
