"""``planwatch remind``: send the reminders due now (the logic is in reporting.reminders)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from planwatch.reporting import reminders

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send the reminders due now about reports not yet submitted: before the due date, on "
        "it, and every few days after it (REMIND_DAYS_BEFORE, REMIND_OVERDUE_EVERY_DAYS), by "
        "e-mail and in-app notification. Run it from cron every few minutes; concurrent runs "
        "never send the same reminder twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="keep running until stopped (SIGTERM, Ctrl-C)"
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="seconds between two passes with --loop (default 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = reminders.default_worker()
        if not options["loop"]:
            self._pass(worker)
            return
        stop = threading.Event()

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, on_sigterm)
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._pass(worker, quiet=True)
                except Exception:  # a database hiccup must not end the loop
                    log.exception("remind: the pass failed; trying again later")
                stop.wait(max(1, options["interval"]))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write("Stopped.")

    def _pass(self, worker: str, *, quiet: bool = False) -> None:
        sent = reminders.run_once(timezone.now(), worker)
        if sent or not quiet:
            self.stdout.write(f"{sent} reminder(s) sent")
