from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.accounts.actions import create_user
from planwatch.accounts.choices import Role
from planwatch.organisations.resolve import resolve_agency


class Command(BaseCommand):
    help = "Create or update a user belonging to an agency, with one or more roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--agency", required=True, help="the agency's name as written (matched to the register)"
        )
        parser.add_argument(
            "--role", action="append", choices=Role.values, required=True, dest="roles"
        )
        parser.add_argument("--password", help="omit to leave the password unchanged (or unusable)")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="may open the Django admin")

    def handle(self, *args: object, **options: object) -> None:
        found = resolve_agency(str(options["agency"]))
        if found.agency is None:
            raise CommandError(f"no agency in the register matches {options['agency']!r}")
        user = create_user(
            str(options["username"]),
            password=options.get("password"),  # type: ignore[arg-type]
            agency=found.agency,
            roles=options["roles"],  # type: ignore[arg-type]
            full_name=str(options["name"]),
            email=str(options["email"]),
            is_staff=bool(options["staff"]),
        )
        self.stdout.write(
            f"{user.username}: {found.agency.name}, roles {', '.join(sorted(user.role_codes))}"
        )
