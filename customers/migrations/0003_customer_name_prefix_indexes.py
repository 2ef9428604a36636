"""Expression indexes for the customer admin's name search on PostgreSQL.

The admin matches each word of a search to the beginning of first name, last name or company,
case-insensitively. Django writes ``last_name__istartswith`` on PostgreSQL as
``UPPER("last_name"::text) LIKE UPPER('Nord%')``; an index on ``UPPER(last_name)`` with
``text_pattern_ops`` serves that prefix match under any database collation, where the plain
``customer_name_idx`` cannot, and a million-row table would otherwise be scanned.

Operator classes are PostgreSQL syntax, so the indexes are created only there and are not part of
the model state (SQLite rebuilds tables from that state, and its LIKE needs no such index).
"""

from django.db import migrations

TABLE = "customers_customer"
PREFIX_INDEXES = {
    "customer_last_name_upper_idx": "last_name",
    "customer_first_name_upper_idx": "first_name",
    "customer_company_upper_idx": "company",
}


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, column in PREFIX_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {quote(name)} ON {quote(TABLE)} (UPPER({quote(column)}) text_pattern_ops)"
        )


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_consent_purposes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
