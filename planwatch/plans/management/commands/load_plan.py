from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.extraction import ExtractionError
from planwatch.plans import planfile
from planwatch.plans.actions import ImportRefused, import_plan
from planwatch.plans.choices import PlanStatus
from planwatch.plans.conflicts import read_plan_document


class Command(BaseCommand):
    help = (
        "Import a plan in one transaction: a plan file (JSON), or a document (txt, md, docx, "
        "xlsx, pdf) that is read first. A plan file's document text is taken from --text, or "
        "from the file it names as its source when that lies beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a plan file (.json) or a plan document")
        parser.add_argument(
            "--text", help="the plan document's text (UTF-8), shown beside the plan"
        )
        parser.add_argument("--status", choices=PlanStatus.values, help="set the plan's status")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        source_text = None
        try:
            if path.suffix.lower() == ".json":
                plan_file = planfile.loads(path.read_bytes())
                source_text = self._document_text(path, plan_file, options.get("text"))
            else:
                extraction = read_plan_document(path)
                plan_file = planfile.parse(extraction.plan)
                source_text = extraction.text
        except planfile.PlanFileError as exc:
            raise CommandError(
                f"{path.name}: nothing was imported.\n  " + "\n  ".join(exc.errors)
            ) from None
        except ExtractionError as exc:
            raise CommandError(f"{path.name}: nothing was imported: {exc}") from None
        try:
            result = import_plan(plan_file, source_text=source_text, status=options.get("status"))  # type: ignore[arg-type]
        except ImportRefused as exc:
            raise CommandError(f"{path.name}: nothing was imported: {exc}") from None
        verb = "created" if result.created else "updated"
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(f"{result.plan}: {verb} (plan id {result.plan.pk}; {counts})")
        if result.unresolved:
            self.stdout.write(
                f"{len(result.unresolved)} agency name(s) not in the register, kept as provisional "
                "agencies to map in the web application:"
            )
            for name in result.unresolved:
                self.stdout.write(f"  - {name}")

    def _document_text(self, path: Path, plan_file: planfile.PlanFile, text: object) -> str | None:
        text_path = Path(str(text)) if text else None
        if text_path is None and plan_file.source and (path.parent / plan_file.source).is_file():
            text_path = path.parent / plan_file.source
        if text_path is None:
            return None
        try:
            return text_path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{text_path}: cannot read the document text ({exc})") from None
