"""The marketing list for the shop's mailer: marketable customers with unsubscribe links (RFC 8058)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import unsubscribe
from customers.models import ConsentPurpose, Suppression
from customers.unsubscribe import marketing_csv_lines, unsubscribe_url
from tests.factories import make_consent, make_customer

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:customers_customer_marketing_list")


@pytest.fixture
def purpose():
    return ConsentPurpose.objects.create(
        code="offers_sms",
        name_sv="Erbjudanden per sms",
        name_fi="Tarjoukset tekstiviestillä",
        name_nb="Tilbud på SMS",
        name_en="Offers by SMS",
        channel=ConsentPurpose.Channel.SMS,
    )


@pytest.fixture
def world(purpose):
    """Two marketable customers and one of each kind who may not be marketed to."""
    yes_fi = make_customer(language="fi", first_name="=HYPERLINK()", phone="+358 40 1234567")
    yes_nb = make_customer(language="nb")
    for customer in (yes_fi, yes_nb):
        make_consent(customer, purpose.code)
    withdrawn = make_customer()
    make_consent(withdrawn, purpose.code)
    make_consent(withdrawn, purpose.code, action="withdrawn")
    restricted = make_customer(restricted_at=timezone.now())
    make_consent(restricted, purpose.code)
    suppressed = make_customer()
    make_consent(suppressed, purpose.code)
    Suppression.add(email=suppressed.email_normalized)
    erased = make_customer(erased_at=timezone.now())
    make_consent(erased, purpose.code)
    other_purpose = make_customer()
    make_consent(other_purpose, "newsletter_email")
    return yes_fi, yes_nb


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_lists_exactly_the_marketable_customers_with_their_links(world, purpose):
    yes_fi, yes_nb = world
    rows = rows_of("".join(marketing_csv_lines(purpose)))
    assert [r["customer_number"] for r in rows] == [yes_fi.customer_number, yes_nb.customer_number]
    first = rows[0]
    assert first["unsubscribe_url"] == unsubscribe_url(yes_fi, purpose)
    assert "/fi/unsubscribe/" in first["unsubscribe_url"]
    assert "/nb/unsubscribe/" in rows[1]["unsubscribe_url"]
    assert first["List-Unsubscribe"] == f"<{first['unsubscribe_url']}>"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A name that a spreadsheet would run as a formula is defused; the phone stays exact.
    assert first["first_name"] == "'=HYPERLINK()"
    assert first["phone"] == "+358 40 1234567"


def test_the_link_in_the_list_unsubscribes(client, world, purpose):
    yes_fi, _yes_nb = world
    row = rows_of("".join(marketing_csv_lines(purpose)))[0]
    path = "/" + row["unsubscribe_url"].split("/", 3)[3]
    client.post(path)
    assert not yes_fi.has_consent(purpose)


def test_memory_stays_bounded_queries_per_batch(world, purpose, monkeypatch):
    monkeypatch.setattr(unsubscribe, "EXPORT_BATCH", 1)
    with CaptureQueriesContext(connection) as queries:
        lines = list(marketing_csv_lines(purpose))
    assert len(lines) == 3  # header and two customers
    # One query per batch of customers (and the empty one that ends it), never one for all at once.
    customer_queries = [q for q in queries.captured_queries if "customers_customer" in q["sql"]]
    assert len(customer_queries) == 3
    assert all("LIMIT 1" in q["sql"] for q in customer_queries)


def test_dpo_downloads_the_list_as_a_stream(dpo_client, world, purpose):
    page = dpo_client.get(LIST_URL)
    assert page.status_code == 200
    response = dpo_client.post(LIST_URL, {"purpose": purpose.code})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode()
    assert len(rows_of(text)) == 2


def test_customer_service_may_not_export(service_client, world, purpose):
    assert service_client.get(LIST_URL).status_code == 403
    assert service_client.post(LIST_URL, {"purpose": purpose.code}).status_code == 403


def test_a_purpose_that_is_not_marketing_is_refused(dpo_client, world):
    ConsentPurpose.objects.create(
        code="profiling_x",
        name_sv="x",
        name_fi="x",
        name_nb="x",
        name_en="x",
        channel="profiling",
        is_marketing=False,
    )
    response = dpo_client.post(LIST_URL, {"purpose": "profiling_x"})
    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors


def test_management_command_writes_the_same_csv(world, purpose, tmp_path):
    out = io.StringIO()
    call_command("export_marketing_list", purpose.code, stdout=out)
    assert out.getvalue() == "".join(marketing_csv_lines(purpose))
    target = tmp_path / "list.csv"
    call_command("export_marketing_list", purpose.code, "--output", str(target), stderr=io.StringIO())
    assert len(rows_of(target.read_text(encoding="utf-8"))) == 2


def test_management_command_refuses_an_unknown_purpose():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_marketing_list", "no_such_purpose")


def test_customer_page_shows_the_links_to_the_dpo(dpo_client, world, purpose):
    yes_fi, _ = world
    change = reverse("admin:customers_customer_change", args=[yes_fi.pk])
    shown = dpo_client.get(change).content.decode()
    assert unsubscribe_url(yes_fi, purpose) in shown
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in shown


def test_customer_page_hides_the_links_from_customer_service(service_client, world, purpose):
    yes_fi, _ = world
    change = reverse("admin:customers_customer_change", args=[yes_fi.pk])
    page = service_client.get(change)
    assert page.status_code == 200
    assert "/fi/unsubscribe/" not in page.content.decode()
