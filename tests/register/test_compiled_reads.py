"""A read compiled once gives the rows Django's own read gives, for every key."""

import pytest
from django.db import connection
from django.db.models import Value

from customers.models import ConsentEvent, Order
from register.compiled_reads import MARK, CompiledRead
from tests.factories import make_consent, make_customer, make_order

pytestmark = pytest.mark.django_db


def orders_of(customer_id):
    return (
        Order.objects.filter(customer_id=customer_id)
        .order_by("-placed_at", "-id")
        .values_list("pk", "number")
    )


def test_each_key_gets_its_own_rows_from_one_compilation(monkeypatch):
    first, second = make_customer(), make_customer()
    for customer in (first, first, second):
        make_order(customer=customer)
    built = []

    def build(customer_id):
        built.append(customer_id)
        return orders_of(customer_id)

    read = CompiledRead(build)
    for customer in (first, second, first):
        assert read.rows(customer.pk) == list(orders_of(customer.pk))
    assert read.rows(0) == []
    assert built == [MARK]


def test_a_key_among_other_parameters_of_the_same_value_is_put_only_in_its_places():
    """True == 1 in Python: the key 1 and a parameter True must not be taken for each other."""
    customer = make_customer()
    make_order(customer=customer)

    def build(customer_id):
        return Order.objects.filter(customer_id=customer_id).values_list("pk", Value(True))

    read = CompiledRead(build)
    sql, params = read.sql_and_params(1)
    assert sorted(params, key=repr) == sorted([True, 1], key=repr)
    assert [param for param in params if param is True] == [True]
    assert read.rows(customer.pk) == [tuple(row) for row in build(customer.pk)]


def test_a_read_that_does_not_take_its_key_as_a_parameter_is_refused():
    read = CompiledRead(lambda customer_id: Order.objects.values_list("pk"))
    with pytest.raises(ValueError):
        read.rows(1)


def test_the_consent_overview_is_the_ledgers_latest_action_per_purpose():
    from tests.factories import make_complete_register

    make_complete_register()
    customer = make_customer()
    make_consent(customer=customer)
    overview = customer.consent_overview()
    latest = {
        purpose.code: ConsentEvent.objects.filter(customer=customer, purpose=purpose)
        .order_by("-occurred_at")
        .first()
        for purpose, _granted in overview
    }
    assert [purpose.code for purpose, _ in overview] == sorted(latest)
    for purpose, granted in overview:
        event = latest[purpose.code]
        assert granted == (event is not None and event.action == ConsentEvent.Action.GRANTED)
    assert any(granted for _, granted in overview)
    assert make_customer().consent_overview() == [(purpose, False) for purpose, _ in overview]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the change page's compiled reads are PostgreSQL's"
)
def test_the_change_pages_compiled_reads_give_the_orms_rows():
    from customers.admin import customers as customer_admin
    from tests.factories import make_return

    customer = make_customer()
    for _ in range(12):
        make_order(customer=customer)
    make_return(customer.orders.first())
    make_consent(customer=customer)
    assert customer_admin._LATEST_ORDERS_AND_RETURNS.values(customer.pk) == list(
        customer_admin._latest_orders_and_returns(customer.pk)
    )
    assert customer_admin._LATEST_CONSENT_EVENTS.values(customer.pk) == list(
        customer_admin._latest_consent_events(customer.pk)
    )
