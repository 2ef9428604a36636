"""Realistic Nordic demo customers, orders, bookkeeping records, returns and consent histories.

Deterministic for a seed (and the same starting database and day). Faker (sv_SE, fi_FI, et_EE, and
no_NO for Norwegian Bokmål) fills pools of names and addresses once; rows are then combined from the
pools as tuples of text (``rows``) and written in large batches inside one transaction (``loading``):
with COPY on PostgreSQL, from a thread of its own while the next batch is generated, and with
executemany elsewhere. Normalised contacts and their keyed hashes come from
``Customer.refresh_derived_fields()``, the code every save runs. Bulk writes make no history rows,
which is what demo data wants.

Rows of the apps that build on customers (requests, access reports) are added by their own demo
module; the ``generate_demo_data`` command of the ``requests`` app runs both.
"""

from __future__ import annotations

from django.db import transaction

from customers.demo.loading import FastInserter, postgresql_bulk_load, sqlite_bulk_load, sqlite_unsynced
from customers.demo.rows import TOTALS, DemoGenerator, sellers_by_market
from customers.models import ConsentEvent, Customer, Invoice, Order, OrderLine, Payment, Return

__all__ = ["TOTALS", "generate_customers", "sellers_by_market"]

# Customers generated per round; their orders, lines, invoices, payments, returns and consent
# events are written in the same round, one statement per table. The rows do not depend on it.
BATCH = 5000


def generate_customers(
    count: int, seed: int, orders_per_customer: int | None = None, method: str | None = None
) -> dict[str, int]:
    """Add ``count`` customers with orders, lines, invoices, payments, returns and consent histories.

    Writes in one transaction; the same seed on the same starting database and day gives the same
    rows. Returns how many rows of each kind were written, with "old" (customers inactive for over
    six years) and "restricted" (customers whose processing is restricted). Each customer gets
    ``orders_per_customer`` orders, or 0–4 (1.75 on average) when it is None. ``method`` is
    "copy" (PostgreSQL's COPY, its default there) or "executemany" (the default elsewhere).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if orders_per_customer is not None and orders_per_customer < 0:
        raise ValueError("orders_per_customer must not be negative")
    tables = [Customer, Order, OrderLine, Invoice, Payment, Return, ConsentEvent]
    with (
        sqlite_unsynced(),
        transaction.atomic(),
        sqlite_bulk_load(tables, count),
        postgresql_bulk_load(tables, count),
    ):
        inserter = FastInserter(tables, method)
        generator = DemoGenerator(seed, orders_per_customer, inserter.method, inserter.last_id)
        with inserter:
            for start in range(0, count, BATCH):
                for model, columns, rows in generator.batch(min(BATCH, count - start)):
                    inserter.insert(model, columns, rows)
        inserter.reset_sequences()
    return generator.totals
