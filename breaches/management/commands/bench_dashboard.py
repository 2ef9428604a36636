"""Time the data-protection dashboard at scale (PostgreSQL, database ``kr_bench`` or ``kr_bench_*`` only).

Builds N customers (one newsletter consent each, every tenth withdrawn), 5 orders per customer and
the given number of requests server-side with ``generate_series``, then prints
``breaches.bench.dashboard_time()``. ``--no-build`` times what the database already holds.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from breaches.bench import dashboard_time
from customers.management.commands.bench_purge import BENCH_DATABASE, insert_series
from customers.management.commands.bench_purge import Command as PurgeBench
from customers.models import ConsentEvent, ConsentPurpose, Customer, Order
from requests.demo import request_series_values
from requests.models import Request


class Command(BaseCommand):
    help = "Build a large shop in kr_bench and print the dashboard's server time (cold and cached)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--orders-per-customer", type=int, default=5)
        parser.add_argument("--requests", type=int, default=50_000)
        parser.add_argument("--no-build", action="store_true", help="Time the data already there.")

    def handle(self, *args, **options) -> None:
        db = settings.DATABASES["default"]
        name = db["NAME"]
        if connection.vendor != "postgresql" or not (
            name == BENCH_DATABASE or name.startswith(f"{BENCH_DATABASE}_")
        ):
            raise CommandError(
                "bench_dashboard empties its tables, so it only runs on PostgreSQL in a database named "
                f"{BENCH_DATABASE} (or {BENCH_DATABASE}_<something>, created beforehand)."
            )
        if not options["no_build"]:
            if name == BENCH_DATABASE:
                PurgeBench.create_database(db)
            call_command("migrate", verbosity=0)
            self.build(options["customers"], options["orders_per_customer"], options["requests"])
        result = dashboard_time()
        cold, warm = result["cold_seconds"] * 1000, result["cached_seconds"] * 1000
        self.stdout.write(
            f"customers={Customer.objects.count()} orders={Order.objects.count()} "
            f"requests={Request.objects.count()} consent_events={ConsentEvent.objects.count()}\n"
            f"dashboard, cold cache: {cold:.0f} ms, {result['cold_queries']} queries (target < 300 ms)\n"
            f"dashboard, cached:     {warm:.0f} ms, {result['cached_queries']} queries"
        )

    def build(self, customers: int, per_customer: int, requests: int) -> None:
        quote = connection.ops.quote_name
        purpose = ConsentPurpose.objects.get(code="newsletter_email")
        tables = [Customer, Order, ConsentEvent, Request]
        with transaction.atomic(), connection.cursor() as cursor:
            names = ", ".join(quote(model._meta.db_table) for model in tables)
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            cursor.execute(
                insert_series(
                    Customer,
                    customers,
                    {
                        "customer_number": "'B' || i",
                        "email": "'bench' || i || '@example.com'",
                        "created_at": "now() - (i % 3000) * INTERVAL '1 day'",
                        "last_activity_at": "now() - (i % 300) * INTERVAL '1 day'",
                        "country": "'FI'",
                        "language": "'fi'",
                    },
                )
            )
            cursor.execute(
                insert_series(
                    Order,
                    customers * per_customer,
                    {
                        "customer_id": f"1 + (i % {customers})",
                        "number": "'BO' || i",
                        "placed_at": "now() - (i % 2000) * INTERVAL '1 day'",
                        "status": "'delivered'",
                        "total": "49.90",
                        "currency": "'EUR'",
                    },
                )
            )
            cursor.execute(
                insert_series(
                    ConsentEvent,
                    customers + customers // 10,
                    {
                        "customer_id": f"1 + (i % {customers})",
                        "purpose_id": str(purpose.pk),
                        "action": f"CASE WHEN i > {customers} THEN 'withdrawn' ELSE 'granted' END",
                        "occurred_at": f"now() - ((i % 700) + CASE WHEN i > {customers} THEN 0 ELSE 10 END)"
                        " * INTERVAL '1 day'",
                        "via": f"CASE WHEN i > {customers} THEN 'unsubscribe' ELSE 'checkout' END",
                    },
                )
            )
            cursor.execute(insert_series(Request, requests, request_series_values()))
            for model in tables:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(sql)
