"""The ``planwatch`` console script: ``planwatch <command> [options]``.

A thin dispatcher over Django's management commands; ``load-plan`` and ``load_plan`` are the
same command. ``planwatch help`` lists them.
"""

from __future__ import annotations

import os
import sys

PLANWATCH_COMMANDS = {
    "serve": "run the web application on loopback",
    "demo-setup": "migrate, load the register and the seed plans, create demo users",
    "load-register": "load an agency register file (JSON)",
    "extract": "read a plan document and print the draft plan file (--format table for people)",
    "load-plan": "import a plan file (JSON) or a plan document in one transaction",
    "export-plan": "print a plan as a plan file (JSON)",
    "create-user": "create or update a user with an agency and roles",
    "make-calendar": "create a plan's reporting periods and expected reports for a year",
    "compliance": "which agencies reported on time, late or not at all (JSON or --format table)",
    "remind": "send the reminders due now about reports not yet submitted (cron)",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
    if not args or (args[0] in ("-h", "--help", "help") and len(args) == 1):
        print("usage: planwatch <command> [options]\n\nplanwatch commands:")
        for name, text in PLANWATCH_COMMANDS.items():
            print(f"  {name:<15} {text}")
        print("\nAny Django management command also works (migrate, createsuperuser, shell …).")
        print("planwatch <command> --help describes a command.")
        return
    command = args[0]
    if not command.startswith("-"):
        command = command.replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["planwatch", command, *args[1:]])


if __name__ == "__main__":
    main()
