"""Write the customers who may be marketed to for a purpose, with their unsubscribe links, as CSV."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError

from customers.models import ConsentPurpose
from customers.unsubscribe import marketing_csv_lines

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Write the marketable customers of a marketing purpose as CSV (customer number, contacts, "
        "unsubscribe URL, List-Unsubscribe and List-Unsubscribe-Post header values, RFC 8058). "
        "The file is personal data: keep it only as long as the mailing needs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("purpose", help="Code of the marketing purpose, e.g. newsletter_email.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, purpose: str, output: str | None = None, **options):
        found = ConsentPurpose.objects.filter(code=purpose, is_marketing=True).first()
        if found is None:
            codes = ", ".join(ConsentPurpose.objects.filter(is_marketing=True).values_list("code", flat=True))
            raise CommandError(f"No marketing purpose {purpose!r}. Marketing purposes: {codes or 'none'}.")
        rows = 0
        stream = open(output, "w", newline="", encoding="utf-8") if output else None  # noqa: SIM115
        try:
            for line in marketing_csv_lines(found):
                if stream is not None:
                    stream.write(line)
                else:
                    self.stdout.write(line, ending="")
                rows += 1
        finally:
            if stream is not None:
                stream.close()
        # Counts only: the log never holds the list.
        logger.info("Marketing list for purpose %s exported by command: %d customers", found.code, rows - 1)
        if output:
            self.stderr.write(f"{rows - 1} customers written to {output}.")
