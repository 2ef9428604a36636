"""The admin's pages run a bounded number of queries, whatever the number of rows behind them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import admin as customer_admin
from register.admin_counts import EstimatedCountPaginator
from tests.factories import make_consent, make_customer, make_order, make_request

pytestmark = pytest.mark.django_db


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def customer_with_orders(count):
    customer = make_customer()
    for _ in range(count):
        make_order(customer=customer)
    make_consent(customer=customer)
    return customer


# Every staff request reads the session, the user, their second-factor device and permissions, and
# renews the session at most once a minute (register.security.SessionMiddleware); the bounds below are
# the page's own.
REQUEST_MACHINERY = re.compile(r'"(django_session|auth_user|auth_permission|otp_\w+)"|^(SAVEPOINT|RELEASE)')


def page_queries(client, url):
    return [sql for sql in queries_of(client, url) if not REQUEST_MACHINERY.search(sql)]


@pytest.mark.parametrize("orders", [1, 50])
def test_customer_change_page_runs_at_most_six_queries(dpo_client, orders):
    customer = customer_with_orders(orders)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    dpo_client.get(url)  # warm the per-process caches (content types, register)
    own = page_queries(dpo_client, url)
    # The customer, its consents (state, then the latest events), orders and returns (one UNION query on
    # PostgreSQL); the unsubscribe links reuse the purposes read with the consent state, the header's shop
    # name comes from the cache.
    assert len(own) <= 6, own
    # The customer is read once, not once for the banner and again for the form.
    assert len([sql for sql in own if sql.startswith('SELECT "customers_customer"."id"')]) == 1
    response = dpo_client.get(url)
    assert customer.orders.order_by("-placed_at").first().number in response.content.decode()


def test_the_order_change_page_reads_the_order_once(dpo_client):
    customer = customer_with_orders(3)
    order = customer.orders.order_by("pk").first()
    url = reverse("admin:customers_order_change", args=[order.pk])
    dpo_client.get(url)
    own = page_queries(dpo_client, url)
    # Not once for the restriction banner and again for the form.
    assert len([sql for sql in own if sql.startswith('SELECT "customers_order"."id"')]) == 1, own


def test_request_machinery_is_what_the_pattern_leaves_out(dpo_client):
    # The filter of page_queries hides only session, user, device and permission reads.
    url = reverse("admin:customers_customer_changelist")
    dpo_client.get(url)
    hidden = [sql for sql in queries_of(dpo_client, url) if REQUEST_MACHINERY.search(sql)]
    assert hidden and all(re.search(r"session|auth_|otp_|SAVEPOINT|RELEASE", sql) for sql in hidden)


def test_customer_change_page_runs_the_same_queries_for_1_and_50_orders(dpo_client):
    small, big = customer_with_orders(1), customer_with_orders(50)
    url = "admin:customers_customer_change"
    dpo_client.get(reverse(url, args=[small.pk]))
    assert len(queries_of(dpo_client, reverse(url, args=[small.pk]))) == len(
        queries_of(dpo_client, reverse(url, args=[big.pk]))
    )


def list_urls(customer):
    return [
        reverse("admin:customers_customer_changelist"),
        reverse("admin:customers_customer_changelist") + "?country__exact=FI",
        reverse("admin:customers_order_changelist"),
        reverse("admin:customers_order_changelist") + f"?customer={customer.pk}",
        reverse("admin:customers_order_changelist") + "?currency__exact=EUR&delivery_country__exact=FI",
        reverse("admin:requests_request_changelist"),
        reverse("admin:customers_consentevent_changelist"),
    ]


def add_rows(customer, count):
    for n in range(count):
        other = make_customer(country="FI")
        make_order(customer=customer, currency="EUR")
        make_order(customer=other, currency="EUR")
        make_consent(customer=other)
        make_request(email=f"asker{n}-{other.pk}@example.com")


def test_every_list_page_runs_the_same_number_of_queries_for_few_and_many_rows(dpo_client):
    customer = make_customer(country="FI")
    add_rows(customer, 2)
    urls = list_urls(customer)
    for url in urls:
        dpo_client.get(url)  # warm caches
    few = {url: len(queries_of(dpo_client, url)) for url in urls}
    add_rows(customer, 60)
    many = {url: len(queries_of(dpo_client, url)) for url in urls}
    assert many == few
    assert max(many.values()) <= 20, many


def test_list_filters_of_big_tables_offer_fixed_choices_without_distinct(dpo_client):
    customer = make_customer(country="FI")
    add_rows(customer, 3)
    for url in list_urls(customer)[:5]:
        sql = queries_of(dpo_client, url)
        assert not [q for q in sql if "DISTINCT" in q.upper()], url
    page = dpo_client.get(reverse("admin:customers_order_changelist")).content.decode()
    # Every known currency and country is offered, present in the rows or not.
    assert "?currency__exact=NOK" in page and "?delivery_country__exact=EE" in page


def test_the_country_filter_filters(dpo_client):
    make_customer(country="FI", last_name="Virtanen")
    make_customer(country="SE", last_name="Lindqvist")
    page = dpo_client.get(
        reverse("admin:customers_customer_changelist") + "?country__exact=SE"
    ).content.decode()
    assert "Lindqvist" in page and "Virtanen" not in page


def paginator_text(page):
    return re.sub(r"\s+", " ", re.search(r'<p class="paginator">(.*?)</p>', page, re.S).group(1)).strip()


def test_small_counts_are_exact(dpo_client):
    for _ in range(3):
        make_customer(country="FI")
    page = dpo_client.get(
        reverse("admin:customers_customer_changelist") + "?country__exact=FI"
    ).content.decode()
    assert paginator_text(page).startswith("3 ")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_counts_above_the_threshold_are_estimated_and_shown_as_about(dpo_client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)
    for _ in range(3):
        make_customer(country="FI")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    url = reverse("admin:customers_customer_changelist") + "?country__exact=FI"
    sql = queries_of(dpo_client, url)
    assert not [q for q in sql if "COUNT(" in q.upper() and "customers_customer" in q]
    shown = paginator_text(dpo_client.get(url).content.decode())
    assert shown.startswith("about ")
    # Kept: the list asks the planner nothing more, and still reads "about".
    again = queries_of(dpo_client, url)
    assert not [q for q in again if q.startswith("EXPLAIN") or "COUNT(" in q.upper()]
    assert paginator_text(dpo_client.get(url).content.decode()) == shown


def overestimated(monkeypatch, customers: int, per_page: int) -> str:
    """A search the planner believes finds 50,000 customers where ``customers`` match, listed
    ``per_page`` to a page: its address."""
    from django.contrib import admin

    from customers.models import Customer
    from register import admin_counts

    monkeypatch.setattr(admin_counts, "_query_estimate", lambda sql, params: 50_000)
    monkeypatch.setattr(admin.site._registry[Customer], "list_per_page", per_page)
    for _ in range(customers):
        make_customer(country="FI")
    return reverse("admin:customers_customer_changelist") + "?country__exact=FI"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_short_first_page_shows_the_exact_count_not_the_estimate(dpo_client, monkeypatch):
    url = overestimated(monkeypatch, customers=3, per_page=50)
    page = dpo_client.get(url).content.decode()
    assert paginator_text(page) == "3 customers"
    assert "?p=2" not in page and "50,000" not in page and "50000" not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_short_later_page_ends_the_list(dpo_client, monkeypatch):
    url = overestimated(monkeypatch, customers=3, per_page=2)
    # A full first page cannot tell: it shows the estimate.
    first = re.sub(r"<[^>]+>", "", paginator_text(dpo_client.get(url).content.decode()))
    assert re.search(r"about 50,?000 customers$", first), first
    last = dpo_client.get(url + "&p=2").content.decode()
    # Two pages of three customers, all of them few enough to be shown at once.
    assert re.sub(r"<[^>]+>", "", paginator_text(last)) == "1 2 3 customers Show all"
    assert "p=3" not in last
    # A page past the end is refused as Django refuses one: back to the list with the error flag.
    beyond = dpo_client.get(url + "&p=7")
    assert beyond.status_code == 302 and "e=1" in beyond["Location"]


def test_every_admin_counts_its_list_up_to_the_threshold_only():
    """Any table can grow with the shop (returns, outgoing mail, breach notices): no list counts it all."""
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        assert issubclass(model_admin.paginator, EstimatedCountPaginator), model
        assert model_admin.show_full_result_count is False, model


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_the_returns_list_says_about_above_the_threshold(dpo_client, monkeypatch):
    from tests.factories import make_return

    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)
    for _ in range(3):
        make_return()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_return")
    url = reverse("admin:customers_return_changelist")
    sql = queries_of(dpo_client, url)
    assert not [q for q in sql if "COUNT(" in q.upper() and "customers_return" in q]
    assert paginator_text(dpo_client.get(url).content.decode()).startswith("about ")


def consent_filter_over_the_threshold(monkeypatch) -> str:
    """The consent filter's list of four customers with the threshold at two, analysed: its address."""
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 2)
    for _ in range(4):
        make_consent(customer=make_customer(country="FI"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_consentevent")
    return reverse("admin:customers_customer_changelist") + "?consent=newsletter_email:granted"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_filter_the_planner_underestimates_counts_no_further_than_the_threshold(dpo_client, monkeypatch):
    # The consent filter tests each customer's latest ledger event: PostgreSQL guesses a handful of
    # rows whatever the truth, so the list counts, but stops one row past the threshold.
    url = consent_filter_over_the_threshold(monkeypatch)
    sql = queries_of(dpo_client, url)
    assert [q for q in sql if "COUNT(" in q.upper() and "LIMIT 3" in q.upper()], sql
    assert paginator_text(dpo_client.get(url).content.decode()).startswith("more than 2 ")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_list_found_over_the_threshold_says_so_again_without_counting(dpo_client, monkeypatch):
    """Paging through the consent filter's list counts its 10,001 rows once, not on every page; once the
    kept answer is older than ``ESTIMATE_SECONDS`` the rows are counted again."""
    from register import admin_counts as common

    url = consent_filter_over_the_threshold(monkeypatch)

    def capped_counts():
        return [q for q in queries_of(dpo_client, url) if "COUNT(" in q.upper() and "LIMIT 3" in q.upper()]

    assert len(capped_counts()) == 1
    assert not capped_counts()
    assert paginator_text(dpo_client.get(url).content.decode()).startswith("more than 2 ")
    # Another filter is another list, counted for itself.
    other = url.replace("granted", "none")
    assert [q for q in queries_of(dpo_client, other) if "COUNT(" in q.upper()]
    monkeypatch.setattr(common, "ESTIMATE_SECONDS", 0)
    assert len(capped_counts()) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_lists_estimate_is_kept_and_its_rows_counted_every_time(dpo_client):
    """Going back to a list asks the planner nothing; the rows are still counted at the time."""
    for _ in range(3):
        make_customer(country="FI")
    url = reverse("admin:customers_customer_changelist") + "?country__exact=FI"

    def explains(sql):
        return [q for q in sql if q.startswith("EXPLAIN")]

    first = queries_of(dpo_client, url)
    assert len(explains(first)) == 1
    make_customer(country="FI")
    again = queries_of(dpo_client, url)
    assert not explains(again)
    assert [q for q in again if "COUNT(" in q.upper()]
    assert paginator_text(dpo_client.get(url).content.decode()).startswith("4 ")
    # Another filter is another query, with an estimate of its own.
    assert len(explains(queries_of(dpo_client, url.replace("FI", "SE")))) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_estimates_are_asked_again_when_none_is_kept(dpo_client, monkeypatch):
    from register import admin_counts as common

    monkeypatch.setattr(common, "ESTIMATE_SECONDS", 0)  # the cache keeps nothing for 0 seconds
    make_customer(country="FI")
    url = reverse("admin:customers_customer_changelist") + "?country__exact=FI"
    for _ in range(2):
        assert len([q for q in queries_of(dpo_client, url) if q.startswith("EXPLAIN")]) == 1


def test_kept_estimates_are_bounded_and_a_parameter_that_cannot_be_a_key_is_asked_again(monkeypatch):
    from register import admin_counts as common

    monkeypatch.setattr(common, "KEPT_ESTIMATES", 2)
    reads = []

    def read(value):
        return lambda: reads.append(value) or value

    assert common._kept_estimate(("query", "a", (1,)), read(10)) == 10
    assert common._kept_estimate(("query", "a", (1,)), read(99)) == 10  # kept
    common._kept_estimate(("query", "b", (1,)), read(20))
    common._kept_estimate(("query", "c", (1,)), read(30))  # the third: all forgotten first
    assert common._kept_estimate(("query", "a", (1,)), read(11)) == 11
    assert reads == [10, 20, 30, 11]
    unhashable = ("query", "d", ([1, 2],))
    assert [common._kept_estimate(unhashable, read(n)) for n in (40, 41)] == [40, 41]


def test_a_deep_page_reads_its_keys_first_and_shows_the_same_rows_in_the_same_order(monkeypatch):
    from django.core.paginator import Paginator

    from customers.models import Customer

    monkeypatch.setattr(EstimatedCountPaginator, "DEFER_FROM", 3)
    for n in range(11):
        make_customer(last_name=f"Deep{n}")
    listed = Customer.objects.order_by("-created_at", "-id")
    ours, django = EstimatedCountPaginator(listed, 3), Paginator(listed, 3)
    for number in ours.page_range:
        with CaptureQueriesContext(connection) as queries:
            rows = [customer.pk for customer in ours.page(number)]
        assert rows == [customer.pk for customer in django.page(number)]
        deferred = number > 1  # pages from the fourth row on
        keys_first = queries.captured_queries[-2]["sql"] if deferred else ""
        assert keys_first.startswith('SELECT "customers_customer"."id" AS "pk" FROM') == deferred


def test_the_admins_deep_page_lists_the_rows_of_that_page(dpo_client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "DEFER_FROM", 1)
    monkeypatch.setattr(customer_admin.CustomerAdmin, "list_per_page", 2)
    for n in range(5):
        make_customer(last_name=f"Sivu{n}", country="FI")
    page = dpo_client.get(reverse("admin:customers_customer_changelist") + "?p=2").content.decode()
    # Newest first: the third and fourth customers created are on page 2.
    assert "Sivu2" in page and "Sivu1" in page
    assert "Sivu4" not in page and "Sivu0" not in page


def test_the_change_page_lists_the_customers_latest_returns_and_no_one_elses(dpo_client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_return

    customer, other = make_customer(), make_customer()
    now = timezone.now()
    for n in range(12):
        make_return(make_order(customer=customer), returned_at=now - timedelta(days=n))
    others = make_return(make_order(customer=other), returned_at=now + timedelta(days=1))
    page = dpo_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
    shown = re.findall(r"/admin/customers/return/(\d+)/change/", page)
    newest = customer_returns = [
        r.pk
        for r in sorted(
            (r for r in others.__class__.objects.filter(order__customer=customer)),
            key=lambda r: (r.returned_at, r.pk),
            reverse=True,
        )
    ][: customer_admin.RECENT_ROWS]
    assert [int(pk) for pk in shown] == newest
    assert str(others.pk) not in shown and len(customer_returns) == 10


def test_the_change_page_lists_the_customers_latest_orders_newest_first(dpo_client):
    from datetime import timedelta

    from django.utils import timezone

    customer, other = make_customer(), make_customer()
    now = timezone.now()
    orders = [
        make_order(customer=customer, placed_at=now - timedelta(days=n % 7, hours=n)) for n in range(12)
    ]
    make_order(customer=other, placed_at=now + timedelta(days=1))
    page = dpo_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
    shown = [int(pk) for pk in re.findall(r"/admin/customers/order/(\d+)/change/", page)]
    newest = sorted(orders, key=lambda o: (o.placed_at, o.pk), reverse=True)[: customer_admin.RECENT_ROWS]
    assert shown == [o.pk for o in newest]


def test_the_returns_list_reads_only_the_columns_it_shows(dpo_client):
    from tests.factories import make_return

    item = make_return(reason="Lid broke on arrival", status="received")
    url = reverse("admin:customers_return_changelist")
    dpo_client.get(url)
    select = next(
        sql for sql in queries_of(dpo_client, url) if sql.startswith('SELECT "customers_return"."id"')
    )
    # Not the customer's own words, nor the order's delivery address: only what the rows show.
    assert '"customers_return"."reason"' not in select
    assert '"customers_order"."delivery_street"' not in select
    page = dpo_client.get(url).content.decode()
    assert item.order.number in page and "1234 5600" in page and "Received" in page


def expected_thousands(monkeypatch, customers: int) -> str:
    """A filter the planner believes finds 5,000 customers (between EXACT_UP_TO, lowered to 3, and
    ESTIMATE_FROM) where ``customers`` match, two to a page: its address."""
    from django.contrib import admin

    from customers.models import Customer
    from register import admin_counts

    monkeypatch.setattr(admin_counts, "_query_estimate", lambda sql, params: 5_000)
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 3)
    monkeypatch.setattr(admin.site._registry[Customer], "list_per_page", 2)
    for _ in range(customers):
        make_customer(country="FI")
    return reverse("admin:customers_customer_changelist") + "?country__exact=FI"


def capped_counts(client, url: str, cap: int) -> list[str]:
    return [q for q in queries_of(client, url) if "COUNT(" in q.upper() and f"LIMIT {cap}" in q.upper()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_list_expected_to_hold_thousands_is_counted_only_a_little_way(dpo_client, monkeypatch):
    url = expected_thousands(monkeypatch, customers=5)
    assert len(capped_counts(dpo_client, url, 4)) == 1
    text = re.sub(r"<[^>]+>", "", paginator_text(dpo_client.get(url).content.decode()))
    assert re.search(r"about 5,?000 customers$", text), text
    # Found to hold more than it counts up to: not counted again within the minute.
    assert not capped_counts(dpo_client, url, 4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_list_expected_to_hold_thousands_that_holds_a_few_is_counted_exactly(dpo_client, monkeypatch):
    url = expected_thousands(monkeypatch, customers=3)
    assert len(capped_counts(dpo_client, url, 4)) == 1
    page = dpo_client.get(url).content.decode()
    text = re.sub(r"<[^>]+>", "", paginator_text(page))
    assert text == "1 2 3 customers Show all", text
    assert "5,000" not in page and "5000" not in page
