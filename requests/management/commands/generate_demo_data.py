"""Generate demo customers with orders and consents, then rows old enough for every retention rule."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from customers.demo import generate_customers
from requests.demo import add_retention_examples


class Command(BaseCommand):
    help = "Generate deterministic demo customers, orders, invoices, payments, returns and consents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--orders-per-customer",
            type=int,
            default=None,
            help="Orders for every customer (default: 0–4, 1.75 on average).",
        )
        parser.add_argument(
            "--method",
            choices=("copy", "executemany"),
            default=None,
            help="How rows are written: COPY (PostgreSQL's default) or executemany (SQLite's).",
        )

    def handle(self, *args, **options) -> None:
        count: int = options["customers"]
        seed: int = options["seed"]
        if count < 0:
            raise CommandError("--customers must not be negative")
        orders = options["orders_per_customer"]
        if orders is not None and orders < 0:
            raise CommandError("--orders-per-customer must not be negative")
        if options["method"] == "copy" and connection.vendor != "postgresql":
            raise CommandError("--method copy needs PostgreSQL")
        totals = generate_customers(count, seed, orders_per_customer=orders, method=options["method"])
        retention = add_retention_examples()
        if retention:
            self.stdout.write(
                "Added for the retention rules: {requests} old requests, {access_reports} expired access "
                "reports, {history_rows} old history rows, {erased_customers} erased customers, "
                "{webhook_deliveries} old webhook deliveries, {rules} rules.".format(**retention)
            )
        self.stdout.write(
            "Generated {customers} customers ({old} inactive for over 6 years, {restricted} restricted), "
            "{orders} orders with {lines} lines, {invoices} invoices, {payments} payments, "
            "{returns} returns, {consents} consent events (seed {seed}).".format(seed=seed, **totals)
        )
