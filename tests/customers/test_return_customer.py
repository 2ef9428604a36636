"""A return keeps the customer of its order, and follows the order when it changes hands.

The customer's admin page reads their latest returns by that column (one walk of an index, whatever the
number of their orders), so it must never name another customer's return.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Order, Return
from tests.factories import make_customer, make_order, make_return

pytestmark = pytest.mark.django_db


def customer_of(item: Return) -> int:
    return Return.objects.values_list("customer_id", flat=True).get(pk=item.pk)


def test_a_return_keeps_the_customer_of_its_order_and_so_does_its_history():
    order = make_order()
    item = make_return(order)

    assert customer_of(item) == order.customer_id
    assert item.history.get().customer_id == order.customer_id


def test_when_an_order_changes_hands_its_returns_follow():
    first, second = make_customer(), make_customer()
    order = make_order(customer=first)
    item = make_return(order)
    other = make_return(make_order(customer=first))

    order = Order.objects.get(pk=order.pk)
    order.customer = second
    order.save()

    assert customer_of(item) == second.pk
    assert customer_of(other) == first.pk

    order.customer = first
    order.save(update_fields=["customer"])
    assert customer_of(item) == first.pk


def test_an_order_saved_from_a_stale_read_takes_its_returns_back_along():
    first, second = make_customer(), make_customer()
    item = make_return(make_order(customer=first))
    read_earlier = Order.objects.get(pk=item.order_id)
    meanwhile = Order.objects.get(pk=item.order_id)
    meanwhile.customer = second
    meanwhile.save()
    assert customer_of(item) == second.pk

    # A form read before the move is saved: the order is the first customer's again, and so is its return.
    read_earlier.save()

    assert Order.objects.get(pk=item.order_id).customer_id == first.pk
    assert customer_of(item) == first.pk


def test_a_status_change_touches_no_return():
    order = Order.objects.get(pk=make_return().order_id)
    with CaptureQueriesContext(connection) as queries:
        order.mark_delivered()
    assert not [q for q in queries.captured_queries if "customers_return" in q["sql"]]


def test_a_return_moved_to_another_order_takes_that_orders_customer():
    item = make_return()
    elsewhere = make_order()

    item.order = elsewhere
    item.save()

    assert customer_of(item) == elsewhere.customer_id


def test_the_customer_page_shows_their_returns_and_not_those_of_an_order_that_left(dpo_client):
    first, second = make_customer(), make_customer()
    kept = make_return(make_order(customer=first), reason="Kept")
    order = Order.objects.get(pk=make_return(make_order(customer=first)).order_id)
    order.customer = second
    order.save()

    def returns_shown(customer) -> str:
        page = dpo_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
        return page[page.index("field-recent_returns") :][:2000]

    first_page, second_page = returns_shown(first), returns_shown(second)
    assert kept.order.number in first_page and order.number not in first_page
    assert order.number in second_page and kept.order.number not in second_page
    listed = dpo_client.get(reverse("admin:customers_return_changelist"), {"customer": second.pk})
    assert listed.status_code == 200
    assert order.number in listed.content.decode() and kept.order.number not in listed.content.decode()
