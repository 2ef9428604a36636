"""Each order names the controller that sold it; that controller's country keeps the order."""

import io
from datetime import date, datetime, time

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.utils import timezone

from customers.demo import generate_customers
from customers.models import Invoice, Order
from register.models import Controller, PurgeRuleResult, RetentionRule
from register.retention import run_purge
from requests.erasure import preview_erasure
from tests.factories import (
    make_complete_register,
    make_customer,
    make_invoice,
    make_order,
    make_payment,
    make_published_retention_register,
)

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def add_swedish_company(register, position=1) -> Controller:
    return Controller.objects.create(
        register=register,
        name="Testbutik Sverige AB",
        business_id="556677-8899",
        business_id_kind="organisationsnummer",
        country="SE",
        position=position,
        email="info@testbutik.example",
    )


def test_a_new_order_is_sold_by_the_registers_main_controller_unless_told():
    register = make_complete_register(country="FI")
    swedish = add_swedish_company(register)
    main = register.controllers.get(name="Testbutik Oy")

    assert make_order().controller == main
    assert make_order(controller=swedish).controller == swedish
    # The main controller is the one listed first.
    Controller.objects.filter(pk=swedish.pk).update(position=0)
    Controller.objects.filter(pk=main.pk).update(position=5)
    assert make_order().controller == swedish


def test_without_a_register_an_order_names_no_controller():
    assert make_order().controller is None


def test_a_controller_that_sold_orders_cannot_be_deleted():
    register = make_complete_register()
    make_order()
    with pytest.raises(ProtectedError):
        register.controllers.get().delete()


def test_erasure_holds_follow_the_sellers_country():
    register = make_complete_register(country="FI")
    swedish = add_swedish_company(register)
    customer = make_customer()
    finnish_order = make_order(customer, placed_at=at(date(2024, 5, 10)))
    swedish_order = make_order(customer, placed_at=at(date(2024, 5, 10)), controller=swedish)
    unknown_seller = make_order(customer, placed_at=at(date(2024, 5, 10)))
    Order.objects.filter(pk=unknown_seller.pk).update(controller=None)

    plan = preview_erasure(customer)

    ends = {
        pk: match.until
        for item in plan.retained
        if item.model is Order
        for match in item.holds
        if match.name == "bookkeeping"
        for pk in item.pks
    }
    # Kirjanpitolaki: 6 years from the end of the year; Bokföringslagen: 7; no seller: the register's.
    assert ends == {
        finnish_order.pk: date(2030, 12, 31),
        swedish_order.pk: date(2031, 12, 31),
        unknown_seller.pk: date(2030, 12, 31),
    }


def test_the_retention_job_applies_each_sellers_bookkeeping_period():
    register = make_published_retention_register("FI")
    swedish = add_swedish_company(register)
    finnish = make_order(placed_at=at(date(2019, 6, 1)))
    make_payment(make_invoice(finnish, issued_at=at(date(2019, 6, 1))), paid_at=at(date(2019, 6, 1)))
    swedish_order = make_order(placed_at=at(date(2019, 6, 1)), controller=swedish)
    make_payment(make_invoice(swedish_order, issued_at=at(date(2019, 6, 1))), paid_at=at(date(2019, 6, 1)))
    assert RetentionRule.objects.filter(rule="order_bookkeeping").exists()

    # 2019 records: Finland keeps them to the end of 2025, Sweden to the end of 2026.
    result = run_purge(only="order_bookkeeping", now=at(date(2026, 6, 1))).results.get()

    assert result.status == PurgeRuleResult.Status.DONE and result.total == 1
    assert list(Order.objects.all()) == [swedish_order]
    assert Invoice.objects.filter(order=swedish_order).exists()
    assert run_purge(only="order_bookkeeping", now=at(date(2027, 1, 1))).results.get().total == 1


ORDERS = (
    "number,customer_number,placed_at,total,controller,delivered_at\n"
    "A-1,1001,2024-05-01,10.00,556677-8899,2024-05-03\n"
    "A-2,1001,2024-05-02,12.00,testbutik oy,\n"
    "A-3,1001,2024-05-03,14.00,,\n"
)


def test_import_names_the_seller_by_business_id_or_name(tmp_path):
    register = make_complete_register(country="FI")
    swedish = add_swedish_company(register)
    make_customer(customer_number="1001")
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)

    call_command("import_customers", str(path), "--kind", "orders", stdout=io.StringIO())

    orders = {o.number: o for o in Order.objects.select_related("controller")}
    assert orders["A-1"].controller == swedish
    assert timezone.localtime(orders["A-1"].delivered_at).date() == date(2024, 5, 3)
    assert orders["A-2"].controller.name == "Testbutik Oy"
    assert orders["A-3"].controller.name == "Testbutik Oy"  # empty: the main controller


def test_import_refuses_an_unknown_seller_with_its_line(tmp_path, capsys):
    make_complete_register()
    make_customer(customer_number="1001")
    path = tmp_path / "orders.csv"
    path.write_text("number,customer_number,placed_at,total,controller\nA-1,1001,2024-05-01,10.00,Other AB\n")

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_customers", str(path), "--kind", "orders", stdout=io.StringIO())

    error = capsys.readouterr().err
    assert "line 2" in error and "controller: 'Other AB'" in error and "Testbutik Oy" in error
    assert not Order.objects.exists()


def test_demo_orders_are_split_between_jalonoms_companies_by_market():
    call_command("load_example_register", "jalonom", verbosity=0)
    generate_customers(200, seed=3)

    sellers = dict(Order.objects.values_list("delivery_country", "controller__name").distinct().order_by())
    assert sellers["SE"] == "Jalonom Sweden Ab"
    assert {sellers[country] for country in ("FI", "NO", "EE") if country in sellers} == {"Jalonom Oy"}
    assert not Order.objects.filter(controller__isnull=True).exists()
    assert Order.objects.filter(status="delivered", delivered_at__isnull=False).exists()
