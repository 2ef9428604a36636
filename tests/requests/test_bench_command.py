"""The benchmark runs only in its own database; its stock admin and bare view answer."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from tests.conftest import login_with_second_factor
from tests.factories import make_consent, make_customer, make_order, make_request, make_return

pytestmark = pytest.mark.django_db


def test_bench_refuses_any_database_but_kr_bench():
    with pytest.raises(CommandError, match="kr_bench"):
        call_command("bench", customers=10, verbosity=0)


@override_settings(ROOT_URLCONF="requests.bench")
def test_the_stock_admin_lists_the_same_rows_and_the_bare_view_answers(client):
    customer = make_customer(last_name="Virtanen", country="FI")
    order = make_order(customer=customer)
    admin = get_user_model().objects.create_superuser("stock", password="x")  # noqa: S106
    login_with_second_factor(client, admin)
    page = client.get("/stock-admin/customers/customer/?q=virt").content.decode()
    assert "Virtanen" in page
    assert order.number in client.get("/stock-admin/customers/order/").content.decode()
    make_return(order)
    assert order.number in client.get("/stock-admin/customers/return/").content.decode()
    make_request(email="asker@example.com", name="Asta Asker")
    requests_page = client.get("/stock-admin/requests/request/?q=asta").content.decode()
    assert "1 request" in requests_page or "1 data-subject request" in requests_page
    make_consent(customer=customer)
    ledger = client.get(f"/stock-admin/customers/consentevent/?q={customer.customer_number}")
    assert ledger.status_code == 200 and customer.customer_number in ledger.content.decode()
    assert client.get("/bench-hello/").content == b"Hello, world"


def test_each_stock_list_pages_as_many_rows_as_ours():
    from django.contrib import admin

    from requests.bench import stock_site

    assert stock_site._registry
    for model, stock_admin in stock_site._registry.items():
        assert stock_admin.list_per_page == admin.site._registry[model].list_per_page, model
    # Ours differ from Django's default of 100 for some lists: the test would otherwise say nothing.
    assert any(stock_admin.list_per_page != 100 for stock_admin in stock_site._registry.values())


def test_peak_rss_is_the_peak_of_the_run_measured_not_of_the_process():
    from requests.management.commands.bench import peak_rss_mb

    big = peak_rss_mb(lambda: len(b"x" * 2**27))  # 128 MB, written, so resident
    if big is None:
        pytest.skip("the kernel's high-water mark cannot be read or reset here")
    small = peak_rss_mb(lambda: None)
    assert big - small > 100


def test_fast_measurements_get_more_rounds_and_public_pages_their_own(monkeypatch):
    from requests.management.commands import bench

    calls = {"ours": 0, "stock": 0}

    def ours():
        calls["ours"] += 1

    def stock():
        calls["stock"] += 1

    bench.medians_ms([ours, stock], 3)
    # One warm-up run each, then ten times the rounds asked for: three rounds of two calls that do
    # nothing take far less than MEASURED_SECONDS.
    assert calls == {"ours": 1 + 3 * bench.MAX_ROUNDS_PER_RUN, "stock": 1 + 3 * bench.MAX_ROUNDS_PER_RUN}
    calls.update(ours=0, stock=0)
    bench.medians_ms([ours, stock], 3, extend=False)
    assert calls == {"ours": 4, "stock": 4}
    calls.update(ours=0, stock=0)
    monkeypatch.setattr(bench, "MEASURED_SECONDS", 0)
    bench.medians_ms([ours], 3)
    assert calls["ours"] == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL only")
def test_index_probes_need_as_many_rows_as_probes():
    from customers.models import Customer
    from requests.management.commands import bench

    make_customer()
    assert bench.index_probes_ms(Customer._meta.db_table, probes=2) is None
    make_customer()
    assert bench.index_probes_ms(Customer._meta.db_table, probes=2) is not None


def test_the_table_names_the_rows_it_was_measured_over_not_the_options():
    """A run with ``--reuse`` measures what an earlier run built: the heading counts it."""
    from requests.management.commands.bench import Command

    big = make_customer(customer_number="K9999999")
    for _ in range(3):
        make_order(customer=big)
    make_order(customer=make_customer())
    assert Command().data_description() == "2 customers, 4 orders, one customer with 3"
