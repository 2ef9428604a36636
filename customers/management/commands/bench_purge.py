"""Benchmark the order_bookkeeping purge against a plain SQL DELETE of the same rows (PostgreSQL only).

Runs only against a database named ``kr_bench`` or ``kr_bench_*`` (created when missing), so it can
never touch real data:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/kr_bench manage.py bench_purge --orders 100000``.
"""

from __future__ import annotations

import resource
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction

from customers.models import Customer, Order, OrderLine
from register.models import PurgeRun, RetentionRule
from register.retention import DEFAULT_BATCH_SIZE, apply_rule, history_model

BENCH_DATABASE = "kr_bench"
ORDERS_PER_CUSTOMER = 10
LINES_PER_ORDER = 2


class Command(BaseCommand):
    help = "Time the order_bookkeeping purge vs a plain SQL DELETE on a throw-away kr_bench database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=100_000, help="Expired orders to build.")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, **options) -> None:
        orders: int = options["orders"]
        batch_size: int = options["batch_size"]
        db = settings.DATABASES["default"]
        name = db["NAME"]
        if connection.vendor != "postgresql" or not (
            name == BENCH_DATABASE or name.startswith(f"{BENCH_DATABASE}_")
        ):
            raise CommandError(
                "bench_purge deletes everything in its database, so it only runs on PostgreSQL in a database "
                f"named {BENCH_DATABASE} or {BENCH_DATABASE}_*: "
                f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
            )
        if orders < 1 or batch_size < 1:
            raise CommandError("--orders and --batch-size must be at least 1")
        self.create_database(db)
        call_command("migrate", verbosity=0)
        self.tables = [Customer, Order, OrderLine, history_model(Order), history_model(Customer)]

        self.build(orders)
        rows = self.count_rows()
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        result = self.purge(batch_size)
        purge_seconds = time.perf_counter() - started
        if result.status != "done" or result.total != orders or self.count_rows()["orders"] != 0:
            raise CommandError(f"purge did not remove every expired order: {result.status} {result.error}")

        self.build(orders)
        started = time.perf_counter()
        self.plain_delete()
        sql_seconds = time.perf_counter() - started

        deleted = sum(rows[key] for key in ("orders", "lines", "history"))
        self.stdout.write(
            f"orders={orders} lines={rows['lines']} history_rows={rows['history']} batch_size={batch_size}\n"
            f"purge (order_bookkeeping): {purge_seconds:.1f} s, {deleted / purge_seconds:,.0f} rows/s\n"
            f"plain SQL DELETE:          {sql_seconds:.1f} s, {deleted / sql_seconds:,.0f} rows/s\n"
            f"throughput ratio:          {sql_seconds / purge_seconds:.2f}  (target >= 0.7)\n"
            f"peak memory (RSS):         {peak_rss_mb():.0f} MB (before purging {rss_before:.0f} MB; "
            "target < 300 MB)"
        )

    @staticmethod
    def create_database(db: dict) -> None:
        import psycopg

        params = {"dbname": "postgres", "user": db.get("USER") or None, "host": db.get("HOST") or None}
        if db.get("PORT"):
            params["port"] = db["PORT"]
        if db.get("PASSWORD"):
            params["password"] = db["PASSWORD"]
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{db["NAME"]}"')

    def build(self, orders: int) -> None:
        """Fill the tables server-side with generate_series: expired orders, 2 lines each, 1 history row."""
        customers = max(1, orders // ORDERS_PER_CUSTOMER)
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            names = ", ".join(quote(model._meta.db_table) for model in self.tables)
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            cursor.execute(
                insert_series(
                    Customer,
                    customers,
                    {
                        "customer_number": "'B' || i",
                        "email": "'bench' || i || '@example.com'",
                        "created_at": "TIMESTAMPTZ '2009-01-01'",
                        "last_activity_at": "TIMESTAMPTZ '2010-06-01'",
                        "country": "'FI'",
                        "language": "'fi'",
                    },
                )
            )
            order_values = {
                "customer_id": f"1 + (i % {customers})",
                "number": "'BO' || i",
                "placed_at": "TIMESTAMPTZ '2010-01-01' + (i % 365) * INTERVAL '1 day'",
                "status": "'delivered'",
                "total": "49.90",
                "currency": "'EUR'",
            }
            cursor.execute(insert_series(Order, orders, order_values))
            cursor.execute(
                insert_series(
                    OrderLine,
                    orders * LINES_PER_ORDER,
                    {
                        "order_id": f"1 + ((i - 1) % {orders})",
                        "product_name": "'Linen tea towel'",
                        "quantity": "1",
                        "unit_price": "24.95",
                        "vat_rate": "25.50",
                    },
                )
            )
            cursor.execute(
                insert_series(
                    history_model(Order),
                    orders,
                    {
                        **order_values,
                        "id": "i",
                        "history_date": "TIMESTAMPTZ '2010-01-01' + (i % 365) * INTERVAL '1 day'",
                        "history_type": "'+'",
                    },
                    pk_column="history_id",
                )
            )
            for model in self.tables:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
            for sql in connection.ops.sequence_reset_sql(no_style(), self.tables):
                cursor.execute(sql)

    def count_rows(self) -> dict[str, int]:
        return {
            "orders": Order.objects.count(),
            "lines": OrderLine.objects.count(),
            "history": history_model(Order).objects.count(),
        }

    @staticmethod
    def purge(batch_size: int):
        run = PurgeRun.objects.create(command="bench_purge", batch_size=batch_size)
        rule = RetentionRule(
            rule="order_bookkeeping", period_amount=1, period_unit="years", counts_from="creation"
        )
        return apply_rule(run, rule, now=datetime.now(UTC), batch_size=batch_size)

    @staticmethod
    def plain_delete() -> None:
        quote = connection.ops.quote_name
        orders = quote(Order._meta.db_table)
        expired = f"SELECT id FROM {orders} WHERE placed_at < TIMESTAMPTZ '2012-01-01'"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote(OrderLine._meta.db_table)} WHERE order_id IN ({expired})")  # noqa: S608
            history = quote(history_model(Order)._meta.db_table)
            cursor.execute(f"DELETE FROM {history} WHERE id IN ({expired})")  # noqa: S608
            cursor.execute(f"DELETE FROM {orders} WHERE placed_at < TIMESTAMPTZ '2012-01-01'")  # noqa: S608


def insert_series(model, count: int, values: dict[str, str], pk_column: str = "id") -> str:
    """``INSERT … SELECT`` over ``generate_series(1, count)`` (as ``i``); other columns get neutral values."""
    quote = connection.ops.quote_name
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column == pk_column:
            expression = "i"
        elif column in values:
            expression = values[column]
        elif field.null:
            expression = "NULL"
        else:
            expression = neutral_value(field)
        columns.append(quote(column))
        expressions.append(expression)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM generate_series(1, {int(count)}) AS i"
    )


def neutral_value(field) -> str:
    internal = field.get_internal_type()
    if internal in {"DateTimeField"}:
        return "TIMESTAMPTZ '2010-01-01'"
    if internal in {"DateField"}:
        return "DATE '2010-01-01'"
    if internal in {"BooleanField"}:
        return "FALSE"
    if internal in {"JSONField"}:
        return "'{}'::jsonb"
    if internal.endswith("IntegerField") or internal in {
        "DecimalField",
        "FloatField",
        "BigAutoField",
        "AutoField",
    }:
        return "0"
    return "''"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
