"""Apply the published register's retention rules (see ``register.retention``)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register.models import PurgeRuleResult, PurgeRun, RetentionKey
from register.retention import DEFAULT_BATCH_SIZE, PurgeLocked, run_purge

# Exit status when another run holds the lock (1 is a failed rule).
EXIT_LOCKED = 2


class Command(BaseCommand):
    help = (
        "Anonymise or delete what the published register's retention rules say has expired, in one run "
        "that leaves nothing for the next. --dry-run does the run in a transaction it rolls back and "
        "prints the counts. Safe to interrupt and re-run; two runs never overlap."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what each rule would do; the run is rolled back, nothing is changed.",
        )
        parser.add_argument("--rule", choices=RetentionKey.values, help="Run only this rule.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows per batch; each batch is one transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, **options) -> None:
        self.verbosity: int = options["verbosity"]
        dry_run: bool = options["dry_run"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        self.show_progress = self.verbosity >= 1 and self.stdout.isatty()
        self._progress_shown = False
        try:
            run = run_purge(
                dry_run=dry_run,
                only=options["rule"],
                batch_size=options["batch_size"],
                progress=self.progress if self.show_progress else None,
                command=" ".join(["manage.py", *sys.argv[2:]]) if len(sys.argv) > 1 else "purge_expired",
            )
        except PurgeLocked as exc:
            raise CommandError(
                f"Refused: {exc}. Try again when it has finished.", returncode=EXIT_LOCKED
            ) from exc
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.end_progress()
        self.report(run)
        if run.status == PurgeRun.Status.FAILED:
            failed = run.results.filter(status=PurgeRuleResult.Status.FAILED).count()
            rows = sum(run.results.values_list("failed", flat=True))
            raise CommandError(
                f"{failed} rule(s) failed, {rows} row(s) left as they were; "
                f"see purge run {run.pk} in the admin."
            )

    def progress(self, rule: str, done: int, rate: float) -> None:
        self._progress_shown = True
        self.stdout.write(f"\r{rule}: {done} rows, {rate:,.0f} rows/s   ", ending="")
        self.stdout.flush()

    def end_progress(self) -> None:
        if self._progress_shown:
            self.stdout.write("")

    def report(self, run: PurgeRun) -> None:
        if self.verbosity < 1:
            return
        heading = "Dry run: nothing was changed." if run.dry_run else "Purge finished."
        self.stdout.write(f"{heading} (purge run {run.pk})")
        for result in run.results.all():
            verb = "would be processed" if run.dry_run else "processed"
            oldest = f", oldest {result.oldest:%Y-%m-%d}" if result.oldest else ""
            line = f"  {result.rule}: {result.total} {verb}{oldest} [{result.period}]"
            if result.failed:
                ids = ", ".join(str(pk) for pk in result.failed_ids)
                line += f"; {result.failed} failed and left as they were (ids {ids})"
            if result.status == PurgeRuleResult.Status.FAILED:
                self.stdout.write(self.style.ERROR(f"{line}: FAILED: {result.error}"))
                continue
            self.stdout.write(line)
            if self.verbosity >= 2:
                for label, count in result.counts.items():
                    self.stdout.write(f"      {label}: {count}")
