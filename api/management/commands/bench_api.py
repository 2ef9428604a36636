"""Benchmark ingest through the API's batch endpoint against ``import_customers`` of the same rows.

Builds N customers and 5N orders (same columns both ways), imports one copy from CSV files with
``import_customers`` and sends another copy through ``POST /api/v1/batch/`` in batches of up to 1,000
records (customers first), in this process through Django's full request stack, and prints both rates
and their ratio (target >= 0.5). Runs only on PostgreSQL in a database named ``kr_bench_api`` (created
when missing), so it never touches real data:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/kr_bench_api manage.py bench_api --customers 100000``.
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings

from api.models import ApiKey, Scope
from api.serializers import MAX_BATCH

BENCH_DATABASE = "kr_bench_api"
ORDERS_PER_CUSTOMER = 5
CUSTOMER_COLUMNS = [
    "customer_number",
    "email",
    "first_name",
    "last_name",
    "phone",
    "city",
    "postal_code",
    "country",
]
ORDER_COLUMNS = ["number", "customer_number", "placed_at", "total", "status", "currency", "delivery_city"]


def customer_rows(prefix: str, count: int) -> list[dict[str, str]]:
    return [
        {
            "customer_number": f"{prefix}{n:08d}",
            "email": f"{prefix.lower()}{n}@bench.example",
            "first_name": "Anna",
            "last_name": f"Bench{n}",
            "phone": f"+35840{n:07d}",
            "city": "Vasa",
            "postal_code": "65100",
            "country": "FI",
        }
        for n in range(count)
    ]


def order_rows(prefix: str, customers: int) -> list[dict[str, str]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        {
            "number": f"{prefix}{n:09d}",
            "customer_number": f"{prefix}{n % customers:08d}",
            "placed_at": (start + timedelta(minutes=n)).isoformat(),
            "total": str(Decimal(10 + n % 90) + Decimal("0.90")),
            "status": "delivered",
            "currency": "EUR",
            "delivery_city": "Vasa",
        }
        for n in range(customers * ORDERS_PER_CUSTOMER)
    ]


class Command(BaseCommand):
    help = (
        "Time N customers and 5N orders through POST /api/v1/batch/ vs import_customers (kr_bench_api only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=100_000, help="Customers per copy (orders: 5×).")

    def handle(self, *args, **options) -> None:
        count: int = options["customers"]
        db = settings.DATABASES["default"]
        if connection.vendor != "postgresql" or db["NAME"] != BENCH_DATABASE:
            raise CommandError(
                "bench_api writes throw-away rows, so it only runs on PostgreSQL in a database named "
                f"{BENCH_DATABASE}: DATABASE_URL=postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
            )
        if count < 1:
            raise CommandError("--customers must be at least 1")
        create_database(db)
        call_command("migrate", verbosity=0)
        run = uuid.uuid4().hex[:4].upper()
        csv_seconds = self.through_csv(f"C{run}", count)
        api_seconds = self.through_api(f"A{run}", count)
        rows = count * (1 + ORDERS_PER_CUSTOMER)
        self.stdout.write(
            f"customers={count} orders={count * ORDERS_PER_CUSTOMER} batch={MAX_BATCH}\n"
            f"import_customers (CSV): {csv_seconds:.1f} s, {rows / csv_seconds:,.0f} rows/s\n"
            f"API batch endpoint:     {api_seconds:.1f} s, {rows / api_seconds:,.0f} rows/s\n"
            f"throughput ratio (API / CSV): {csv_seconds / api_seconds:.2f}  (target >= 0.5)"
        )

    def through_csv(self, prefix: str, count: int) -> float:
        with tempfile.TemporaryDirectory() as folder:
            customers, orders = Path(folder, "customers.csv"), Path(folder, "orders.csv")
            write_csv(customers, CUSTOMER_COLUMNS, customer_rows(prefix, count))
            write_csv(orders, ORDER_COLUMNS, order_rows(prefix, count))
            started = time.perf_counter()
            call_command("import_customers", customers, stdout=self.stderr)
            call_command("import_customers", orders, kind="orders", stdout=self.stderr)
            return time.perf_counter() - started

    def through_api(self, prefix: str, count: int) -> float:
        key = ApiKey(name=f"bench {prefix}", scopes=[Scope.CUSTOMERS_WRITE, Scope.ORDERS_WRITE])
        secret = key.issue()
        key.save()
        customers = [{**row, "external_id": row["customer_number"]} for row in customer_rows(prefix, count)]
        orders = [
            {
                **{k: v for k, v in row.items() if k != "customer_number"},
                "customer": {"external_id": row["customer_number"]},
            }
            for row in order_rows(prefix, count)
        ]
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="localhost")
        started = time.perf_counter()
        with override_settings(API_RATE_LIMIT="1000000/minute", ALLOWED_HOSTS=["localhost"]):
            for name, records in (("customers", customers), ("orders", orders)):
                for offset in range(0, len(records), MAX_BATCH):
                    body = json.dumps({name: records[offset : offset + MAX_BATCH]})
                    response = client.post(
                        "/api/v1/batch/", body, content_type="application/json", secure=True
                    )
                    if response.status_code != 200:
                        raise CommandError(
                            f"batch at {name}[{offset}]: {response.status_code} {response.content[:300]!r}"
                        )
        seconds = time.perf_counter() - started
        key.revoke()
        return seconds


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def create_database(db: dict) -> None:
    """Create the benchmark database when it is missing."""
    import psycopg

    params = {"dbname": "postgres", "user": db.get("USER"), "host": db.get("HOST"), "port": db.get("PORT")}
    params["password"] = db.get("PASSWORD")
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]).fetchone():
            admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
