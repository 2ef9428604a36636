"""Generate demo customers with orders and consents, then rows old enough for every retention rule."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from customers.demo import generate_customers
from requests.demo import add_retention_examples


class Command(BaseCommand):
    help = "Generate deterministic demo customers, orders, invoices, payments, returns and consents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        count: int = options["customers"]
        seed: int = options["seed"]
        if count < 0:
            raise CommandError("--customers must not be negative")
        totals = generate_customers(count, seed)
        retention = add_retention_examples()
        if retention:
            self.stdout.write(
                "Added for the retention rules: {requests} old requests, {access_reports} expired access "
                "reports, {history_rows} old history rows, {erased_customers} erased customers, "
                "{rules} rules.".format(**retention)
            )
        self.stdout.write(
            "Generated {customers} customers ({old} inactive for over 6 years, {restricted} restricted), "
            "{orders} orders with {lines} lines, {invoices} invoices, {payments} payments, "
            "{returns} returns, {consents} consent events (seed {seed}).".format(seed=seed, **totals)
        )
