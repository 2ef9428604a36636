import pytest
from django.core.management import call_command
from django.db import connection

from customers.models import ConsentEvent, Customer, Invoice, Order, OrderLine, Payment, Return

pytestmark = pytest.mark.django_db(transaction=False)


def snapshot():
    return {
        "customers": list(
            Customer.objects.order_by("customer_number").values_list(
                "customer_number",
                "first_name",
                "last_name",
                "email",
                "phone",
                "country",
                "language",
                "created_at",
            )
        ),
        "orders": list(
            Order.objects.order_by("number").values_list("number", "customer__customer_number", "total")
        ),
        "lines": OrderLine.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "returns": Return.objects.count(),
        "consents": list(
            ConsentEvent.objects.order_by(
                "customer__customer_number", "purpose__code", "occurred_at"
            ).values_list("customer__customer_number", "purpose__code", "action", "occurred_at")
        ),
    }


def wipe():
    for model in (Payment, Invoice, Return, OrderLine, Order, ConsentEvent):
        model.objects.all().delete() if model is not ConsentEvent else model.objects.all()._raw_delete(
            "default"
        )
    Customer.objects.all().delete()


def test_generate_demo_data_is_deterministic_for_a_seed():
    call_command("generate_demo_data", customers=300, seed=7, verbosity=0)
    first = snapshot()
    assert len(first["customers"]) == 300
    assert first["orders"] and first["consents"] and first["invoices"] and first["returns"]
    assert Customer.objects.filter(restricted_at__isnull=False).exists()
    assert Order.objects.filter(placed_at__year__lte=2018).exists()
    wipe()
    call_command("generate_demo_data", customers=300, seed=7, verbosity=0)
    assert snapshot() == first
    wipe()
    call_command("generate_demo_data", customers=300, seed=8, verbosity=0)
    assert snapshot()["customers"] != first["customers"]


def test_generate_demo_data_keeps_every_index_of_the_tables_it_fills():
    # On SQLite the command drops secondary indexes for the bulk load and rebuilds them.
    tables = [model._meta.db_table for model in (Customer, Order, OrderLine, Invoice, Payment, Return)]
    tables.append(ConsentEvent._meta.db_table)

    def indexes():
        with connection.cursor() as cursor:
            return {
                table: sorted(connection.introspection.get_constraints(cursor, table)) for table in tables
            }

    before = indexes()
    call_command("generate_demo_data", customers=50, seed=3, verbosity=0)
    assert Customer.objects.count() == 50
    assert indexes() == before
