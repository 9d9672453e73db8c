from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.plans import planfile
from planwatch.plans.queries import PlanNotFound, find_plan, plan_to_file


class Command(BaseCommand):
    help = "Print a plan as a plan file (JSON): the same format load-plan reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="the plan's document number (01/CTr-UBND) or its id")
        parser.add_argument(
            "--year", type=int, help="the year of issue, when several plans share a number"
        )
        parser.add_argument("--output", "-o", help="write to this file instead of standard output")

    def handle(self, *args: object, **options: object) -> None:
        try:
            plan = find_plan(str(options["number"]), year=options.get("year"))  # type: ignore[arg-type]
        except PlanNotFound as exc:
            raise CommandError(str(exc)) from None
        text = planfile.dumps(plan_to_file(plan))
        if options.get("output"):
            with open(str(options["output"]), "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
