from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.organisations.actions import REGISTER_DIR, RegisterError, load_register_file


class Command(BaseCommand):
    help = "Load an agency register file (JSON). Without a file, the shipped Vĩnh Phúc register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(REGISTER_DIR / "vinh_phuc.json"))

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            result = load_register_file(path)
        except RegisterError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{path.name}: {result.created} agencies created, {result.updated} updated, "
            f"{result.groups} groups created, {result.aliases} aliases added"
        )
