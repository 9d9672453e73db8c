from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web application (waitress, a production WSGI server) on loopback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default: loopback)"
        )
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: object, **options: object) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)

        from waitress import serve

        from planwatch.wsgi import application

        host, port = str(options["host"]), int(str(options["port"]))
        db = settings.DATABASES["default"]
        engine = str(db["ENGINE"]).rsplit(".", 1)[-1]
        self.stdout.write(f"planwatch on http://{host}:{port}/ (database: {engine} {db['NAME']})")
        self.stdout.write("Stop with Ctrl+C.")
        serve(
            application,
            host=host,
            port=port,
            threads=int(str(options["threads"])),
            ident="planwatch",
        )
