"""Hand due retries and messages of dead workers back to the task queue (run every few minutes)."""

from django.core.management.base import BaseCommand

from register import outbox


class Command(BaseCommand):
    help = (
        "Queue every outgoing message that is due: retries whose time has come and messages whose worker "
        "died while sending; and hand back other background work whose worker died (large reports). "
        "Safe to run at any time; run it from cron every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Deliver the due messages in this process instead of handing them to the workers.",
        )

    def handle(self, *args, now: bool = False, verbosity: int = 1, **options):
        other = outbox.sweep_other_work()
        if verbosity and other:
            self.stdout.write(f"{other} other background task(s) handed to the workers.")
        if now:
            from register.models import OutboxMessage

            statuses = [
                outbox.deliver(pk) for pk in list(OutboxMessage.objects.due().values_list("pk", flat=True))
            ]
            sent = statuses.count(OutboxMessage.Status.SENT)
            if verbosity:
                self.stdout.write(f"{len(statuses)} due message(s): {sent} delivered.")
            return
        count = outbox.sweep()
        if verbosity:
            self.stdout.write(f"{count} due message(s) handed to the workers.")
