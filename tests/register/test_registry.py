"""The privacy registry: exports and the system check for undeclared models and fields."""

import json

import pytest
from django.core import checks
from django.db import connection, models
from django.test.utils import isolate_apps

from customers.models import Customer
from register.checks import check_privacy_declarations, find_problems
from register.registry import Personal, Registry, registry
from tests.factories import make_consent, make_invoice, make_order

pytestmark = pytest.mark.django_db


def test_project_models_are_all_declared():
    assert check_privacy_declarations() == []


@isolate_apps("requests")
def test_check_catches_an_undeclared_model():
    class Loyalty(models.Model):
        card_number = models.CharField(max_length=20)

        class Meta:
            app_label = "requests"

        def __str__(self) -> str:
            return str(self.pk)

    errors = find_problems(Registry(), [Loyalty])
    assert [e.id for e in errors] == ["kundregister.E001"]
    assert isinstance(errors[0], checks.Error)


@isolate_apps("requests")
def test_check_catches_an_undeclared_field():
    class Loyalty(models.Model):
        customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
        card_number = models.CharField(max_length=20)
        nickname = models.CharField(max_length=20)

        class Meta:
            app_label = "requests"

        def __str__(self) -> str:
            return str(self.pk)

    declarations = Registry()
    declarations.register(
        Loyalty,
        category="loyalty",
        path="customer",
        personal={"card_number": Personal()},
        not_personal=["id", "customer"],
    )
    errors = find_problems(declarations, [Loyalty])
    assert [e.id for e in errors] == ["kundregister.E002"]
    assert "nickname" in errors[0].msg


def test_export_holds_every_declared_field_as_json():
    order = make_order()
    make_invoice(order)
    make_consent(order.customer, "newsletter_email", "granted")
    data = registry.export_customer(order.customer)
    json.dumps(data)
    profile = data["profile"]["customer"][0]
    assert set(registry.declared_fields(Customer)) <= set(profile)
    assert data["orders"]["order"][0]["number"] == order.number
    assert data["consents"]["consent_event"][0]["purpose"] == "newsletter_email"


def test_portability_exports_only_what_the_customer_provided():
    order = make_order()
    data = registry.export_customer(order.customer, provided_only=True)
    assert "email" in data["profile"]["customer"][0]
    assert "email_digest" not in data["profile"]["customer"][0]


def test_tables_stream_with_a_bounded_number_of_queries(django_assert_max_num_queries):
    order = make_order()
    for _ in range(30):
        make_order(order.customer)
    with django_assert_max_num_queries(len(registry.with_personal_data()) + 2):
        tables = {name: (header, list(rows)) for name, header, rows in registry.iter_tables(order.customer)}
    assert len(tables["order"][1]) == 31
    assert tables["order"][0][0] == "id"


def test_each_models_rows_about_a_customer_are_the_plain_lookups_rows():
    """``rows_for`` reaches a customer's rows through foreign keys by their ids (``in_ids`` on
    PostgreSQL): the same rows as the lookup along the declared path, and none of anyone else's."""
    from register.registry import one_customer_plans
    from register.registry import registry as declared
    from tests.factories import make_customer, make_order_line, make_payment, make_request, make_return

    customer, other = make_customer(), make_customer()
    for owner in (customer, other):
        order = make_order(customer=owner)
        make_order_line(order=order)
        make_payment(invoice=make_invoice(order=order))
        make_return(order=order)
        make_consent(owner)
        make_request(email=owner.email).customers.add(owner)
    reached = 0
    for declaration in declared.with_personal_data():
        if not declaration.path:
            continue
        plain = declaration.model._default_manager.filter(**{declaration.path: customer})
        rows = declaration.rows_for(customer)
        assert sorted(rows.values_list("pk", flat=True)) == sorted(plain.values_list("pk", flat=True))
        # Inside ``one_customer_plans`` the rows are found by the join along the path: the same rows.
        with one_customer_plans():
            joined = sorted(declaration.rows_for(customer).values_list("pk", flat=True))
        assert joined == sorted(plain.values_list("pk", flat=True))
        reached += bool(plain.exists())
        assert not rows.filter(pk__in=declaration.model._default_manager.filter(**{declaration.path: other}))
    assert reached >= 6


def test_the_cycle_collector_resumes_after_the_last_bulk_read_and_stays_off_if_it_was():
    import gc

    from register.registry import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failed erasure")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pages_hold_every_row_once_in_key_order_and_the_holds_of_each():
    from register.registry import HoldName

    first = make_order()
    orders = [first, *(make_order(first.customer) for _ in range(6))]
    declaration = registry.declaration(type(first))
    pages = list(registry.iter_pages(declaration, first.customer, ["pk", "number"], chunk_size=3))
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [row for page in pages for row in page] == [(order.pk, order.number) for order in orders]

    holds = [hold for hold in declaration.holds if hold.name == HoldName.BOOKKEEPING]
    judged = list(registry.iter_judged_pages(declaration, first.customer, ["pk"], holds, chunk_size=3))
    assert [row for page, _held in judged for row in page] == [(order.pk,) for order in orders]
    for page, held in judged:
        assert set(held) <= {pk for (pk,) in page}


@pytest.mark.parametrize("server_side_cursors", [True, False])
def test_pages_past_the_first_are_the_same_with_or_without_a_server_side_cursor(
    monkeypatch, server_side_cursors
):
    """Past its first page a table is read by one query through a server-side cursor (PostgreSQL), or,
    where a pooler rules cursors out (``DISABLE_SERVER_SIDE_CURSORS``), by its keys: the same pages."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", not server_side_cursors)
    first = make_order()
    orders = [first, *(make_order(first.customer) for _ in range(7))]
    declaration = registry.declaration(type(first))
    # Two columns and six values a page: three rows.
    pages = list(registry.iter_pages(declaration, first.customer, ["pk", "number"], page_cells=6))
    assert [len(page) for page in pages] == [3, 3, 2]
    assert [row for page in pages for row in page] == [(order.pk, order.number) for order in orders]


def _read_past_the_first_page_and_stop():
    """Read a customer's orders two at a time past the first page, check the cursor and the setting
    while it is open, stop early; return the setting before and after."""
    first = make_order()
    for _ in range(5):
        make_order(first.customer)
    declaration = registry.declaration(type(first))

    def fraction():
        with connection.cursor() as cursor:
            cursor.execute("SHOW cursor_tuple_fraction")
            return cursor.fetchone()[0]

    def open_cursors():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            return cursor.fetchone()[0]

    before = fraction()
    pages = registry.iter_pages(declaration, first.customer, ["pk"], chunk_size=2)
    next(pages)
    assert next(pages)  # the cursor is declared and its first page fetched
    assert open_cursors() == 1
    assert fraction() == before
    pages.close()  # a reader that stops early closes the cursor
    assert open_cursors() == 0
    return before, fraction()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's")
def test_the_rest_of_a_table_is_planned_for_all_its_rows_and_the_setting_put_back_in_a_transaction():
    before, after = _read_past_the_first_page_and_stop()
    assert after == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_rest_of_a_table_is_planned_for_all_its_rows_and_the_setting_put_back_in_autocommit():
    """Outside a transaction the cursor is declared WITH HOLD; the setting is the session's, put back."""
    assert connection.get_autocommit()
    before, after = _read_past_the_first_page_and_stop()
    assert after == before


def test_no_page_stays_referenced_while_the_next_is_read():
    """The access report reads a customer's rows a page at a time: the pages' generators let go of a page
    before reading the next, so one page is in memory at a time (the reader drops its own)."""
    import sys

    from register.registry import HoldName

    first = make_order()
    for _ in range(6):
        make_order(first.customer)
    declaration = registry.declaration(type(first))
    pages = registry.iter_pages(declaration, first.customer, ["pk", "number"], chunk_size=3)
    page = next(pages)
    next(pages)
    assert sys.getrefcount(page) == 2  # ``page`` and the argument: the generator holds it no more
    holds = [hold for hold in declaration.holds if hold.name == HoldName.BOOKKEEPING]
    judged = registry.iter_judged_pages(declaration, first.customer, ["pk"], holds, chunk_size=3)
    page, held = next(judged)
    next(judged)
    assert sys.getrefcount(page) == 2 and sys.getrefcount(held) == 2


def test_a_hold_judges_one_row_of_each_set_of_equal_values_and_such_rows_share_their_matches():
    from register.registry import Hold, HoldMatch

    first = make_order(currency="EUR")
    orders = [first, make_order(first.customer, currency="EUR"), make_order(first.customer, currency="SEK")]
    judged_rows = []

    def decide(queryset, rows):
        judged_rows.extend(rows)
        for pk, currency in rows:
            if currency == "EUR":
                yield pk, HoldMatch("statutory", statute=currency)

    hold = Hold(
        name="statutory", reason="", reads=lambda model: {"currency": models.F("currency")}, decide=decide
    )
    declaration = registry.declaration(type(first))
    ((page, held),) = registry.iter_judged_pages(declaration, first.customer, ["pk"], [hold])

    assert page == [(order.pk,) for order in orders]
    assert sorted(currency for _pk, currency in judged_rows) == ["EUR", "SEK"]
    assert set(held) == {orders[0].pk, orders[1].pk}
    assert held[orders[0].pk] is held[orders[1].pk]
    assert held[orders[0].pk] == (HoldMatch("statutory", statute="EUR"),)


def test_times_read_by_psycopgs_loader_are_the_times_django_reads():
    from register.registry import datetimes_loaded_by_psycopg

    order = make_order()
    make_order(order.customer, delivered_at=None)
    rows = order.customer.orders.order_by("pk").values_list("placed_at", "delivered_at")
    expected = list(rows)
    with datetimes_loaded_by_psycopg():
        read = list(rows.all())
    assert read == expected
    assert [repr(values) for values in read] == [repr(values) for values in expected]


def _plan_settings() -> tuple[str, ...]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin'),"
            " current_setting('max_parallel_workers_per_gather')"
        )
        return tuple(cursor.fetchone())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_one_customer_plans_nest_loops_inside_the_block_and_put_the_settings_back_after_it():
    from register.registry import one_customer_plans

    before = _plan_settings()
    assert before[0] == "on"
    with one_customer_plans():
        assert _plan_settings() == ("off", "off", "0")
        with one_customer_plans():  # nested: the outer block puts the settings back
            pass
        assert _plan_settings() == ("off", "off", "0")
    assert _plan_settings() == before
    with pytest.raises(LookupError), one_customer_plans():
        raise LookupError("a failure inside the block")
    assert _plan_settings() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_one_customer_plans_inside_a_transaction_are_put_back_before_it_goes_on():
    from django.db import transaction

    from register.registry import one_customer_plans

    before = _plan_settings()
    with transaction.atomic():
        with one_customer_plans():
            assert _plan_settings() == ("off", "off", "0")
        assert _plan_settings() == before
        Customer.objects.create(customer_number="K2", email="c@example.com")
    assert _plan_settings() == before
    assert Customer.objects.filter(customer_number="K2").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_one_customer_plans_end_with_a_transaction_that_failed_inside_them():
    from django.db import IntegrityError, transaction

    from register.registry import one_customer_plans

    before = _plan_settings()
    with pytest.raises(IntegrityError), transaction.atomic(), one_customer_plans():
        Customer.objects.create(customer_number="K1", email="a@example.com")
        Customer.objects.create(customer_number="K1", email="b@example.com")
    assert _plan_settings() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_query_failing_inside_one_customer_plans_is_the_error_raised():
    from django.db import DataError, transaction

    from register.registry import one_customer_plans

    before = _plan_settings()
    with pytest.raises(DataError), transaction.atomic(), one_customer_plans(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert _plan_settings() == before
