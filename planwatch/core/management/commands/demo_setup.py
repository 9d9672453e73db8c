from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from planwatch.demo.setup import DEMO_PASSWORD, setup_demo, setup_demo_history


class Command(BaseCommand):
    help = (
        "Migrate, load the Vĩnh Phúc register, read the two seed plan documents with the "
        "extractor and import them, create one user per role, and write a labelled demo "
        "history of the 2025 reporting year of 01/CTr-UBND."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-plan-files",
            action="store_true",
            help="load the hand-checked plan files of the seeds instead of reading the documents",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="skip the demo history (the 2025 reports of 01/CTr-UBND stay not started)",
        )

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        results, users = setup_demo(from_documents=not options["from_plan_files"])
        for result in results:
            counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
            self.stdout.write(f"plan {result.plan}: {counts}")
            if result.unresolved:
                self.stdout.write(f"  names to map: {', '.join(result.unresolved)}")
        if not options["no_history"]:
            self.stdout.write(setup_demo_history().summary())
        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.role:<13} {user.agency}")
