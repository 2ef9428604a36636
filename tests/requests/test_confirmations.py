"""Irreversible staff steps ask first: a page names what happens, and acts only when confirmed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from requests.models import Request
from tests.factories import make_customer, make_order, make_request

pytestmark = pytest.mark.django_db


def erasure_request(customer):
    req = make_request(kind=Request.Kind.ERASURE, email=customer.email)
    req.customers.add(customer)
    return req


def test_erasure_confirmation_page_names_the_customer_and_repeats_what_is_kept(dpo_client):
    customer = make_customer()
    make_order(customer)
    req = erasure_request(customer)
    page = dpo_client.get(reverse("admin:requests_request_erasure_confirm", args=[req.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Erase {customer.customer_number} — this cannot be undone" in text
    assert 'id="retained"' in text and "Orders" in text and "Bookkeeping law" in text
    assert 'name="typed_numbers"' in text
    customer.refresh_from_db()
    assert customer.erased_at is None


@pytest.mark.parametrize("typed", [None, "", "K9999999"])
def test_erasure_without_the_typed_customer_number_is_refused(dpo_client, typed):
    customer = make_customer()
    req = erasure_request(customer)
    data = {} if typed is None else {"typed_numbers": typed}
    response = dpo_client.post(reverse("admin:requests_request_erasure_confirm", args=[req.pk]), data)
    assert response.status_code == 200
    assert b"errorlist" in response.content
    customer.refresh_from_db()
    assert customer.erased_at is None and customer.email


def test_erasure_with_the_typed_customer_number_erases(dpo_client):
    customer = make_customer()
    req = erasure_request(customer)
    response = dpo_client.post(
        reverse("admin:requests_request_erasure_confirm", args=[req.pk]),
        {"typed_numbers": f" {customer.customer_number.lower()} "},
    )
    assert response.status_code == 302
    # Delete is the default choice: a customer with nothing under a hold is gone.
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not Customer.objects.filter(email=customer.email).exists()


def test_posting_the_preview_erases_nothing_and_leads_to_the_confirmation(dpo_client):
    customer = make_customer()
    req = erasure_request(customer)
    response = dpo_client.post(reverse("admin:requests_request_erasure", args=[req.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:requests_request_erasure_confirm", args=[req.pk])
    customer.refresh_from_db()
    assert customer.erased_at is None


def test_customer_service_cannot_open_the_erasure_confirmation(service_client):
    customer = make_customer()
    req = erasure_request(customer)
    url = reverse("admin:requests_request_erasure_confirm", args=[req.pk])
    assert service_client.get(url).status_code == 403
    assert service_client.post(url, {"typed_numbers": customer.customer_number}).status_code == 403
    customer.refresh_from_db()
    assert customer.erased_at is None


def rectification_form(customer, **values):
    from requests.rectification import RECTIFIABLE_FIELDS

    form = {"customer": customer.pk, "statement": ""}
    form.update({f"value_{name}": str(getattr(customer, name) or "") for name in RECTIFIABLE_FIELDS})
    form.update({f"value_{name}": value for name, value in values.items()})
    return form


def test_rectification_shows_the_changes_and_applies_only_when_confirmed(dpo_client):
    from tests.requests.test_rectification import rectification_request

    customer = make_customer(city="Helsingfors")
    request = rectification_request(customer, {"city": "Åbo"})
    url = reverse("admin:requests_rectificationchange_review", args=[request.pk])
    assert dpo_client.get(url).status_code == 200

    unconfirmed = dpo_client.post(url, rectification_form(customer, city="Åbo"))
    assert unconfirmed.status_code == 200
    page = unconfirmed.content.decode()
    assert 'id="rectification-confirm"' in page and "Helsingfors" in page and "Åbo" in page
    assert 'name="confirm"' in page
    customer.refresh_from_db()
    assert customer.city == "Helsingfors" and not request.rectifications.filter(applied_at__isnull=False)

    confirmed = dpo_client.post(url, {**rectification_form(customer, city="Åbo"), "confirm": "yes"})
    assert confirmed.status_code == 302
    customer.refresh_from_db()
    assert customer.city == "Åbo"


def released_report(dpo, **fields):
    from requests.report_review import release_report
    from requests.reports import build_access_report
    from tests.factories import make_matched_request

    customer = make_customer()
    report = build_access_report(make_matched_request([customer], **fields), by=dpo)
    release_report(report, by=dpo, reviewed_sha256=report.sha256)
    return report


def test_report_panel_says_whether_when_and_by_whom_the_link_was_sent(dpo_client, dpo):
    report = released_report(dpo)
    change = reverse("admin:requests_request_change", args=[report.request_id])
    assert "not sent" in dpo_client.get(change).content.decode()

    dpo_client.post(reverse("admin:requests_accessreport_send", args=[report.pk]))

    panel = dpo_client.get(change).content.decode()
    cell = panel[panel.index('class="link-sent"') :]
    cell = cell[: cell.index("</td>")]
    message = report.request.messages.get(template="report_link")
    assert f"{timezone.localtime(message.sent_at):%Y-%m-%d %H:%M}" in cell
    assert "by dpo" in cell
    assert "Email the link again…" in panel


def test_sending_the_link_again_asks_first(dpo_client, dpo):
    from django.core import mail

    report = released_report(dpo)
    send = reverse("admin:requests_accessreport_send", args=[report.pk])
    assert dpo_client.post(send).status_code == 302
    assert len(mail.outbox) == 1

    again = dpo_client.post(send)
    assert again.status_code == 200
    assert 'name="confirm_resend"' in again.content.decode() and 'id="link-sends"' in again.content.decode()
    assert len(mail.outbox) == 1

    confirmed = dpo_client.post(send, {"confirm_resend": "yes"})
    assert confirmed.status_code == 302
    assert len(mail.outbox) == 2
    assert report.request.messages.filter(template="report_link").count() == 2


def test_customer_service_sees_no_download_link_it_cannot_follow(customer_service, dpo):
    from django.test import Client

    from tests.conftest import login_with_second_factor

    report = released_report(dpo)
    listing = reverse("admin:requests_accessreport_changelist")
    download = reverse("admin:requests_accessreport_download", args=[report.pk])
    assert download in login_with_second_factor(Client(), dpo).get(listing).content.decode()
    service_client = login_with_second_factor(Client(), customer_service)
    page = service_client.get(listing)
    assert page.status_code == 200
    assert download not in page.content.decode()
    assert service_client.get(download).status_code == 403


def test_a_request_has_no_view_on_site_link(dpo_client, dpo):
    report = released_report(dpo)
    page = dpo_client.get(reverse("admin:requests_request_change", args=[report.request_id]))
    assert "viewsitelink" not in page.content.decode()


def test_one_page_shows_every_time_in_the_shops_time_zone(dpo_client, settings):
    import datetime

    from customers.models import Order

    settings.TIME_ZONE = "Europe/Helsinki"
    customer = make_customer()
    order = make_order(customer)
    # 22:15 UTC is 00:15 the next day in Helsinki (winter time).
    Order.objects.filter(pk=order.pk).update(
        placed_at=datetime.datetime(2026, 1, 9, 22, 15, tzinfo=datetime.UTC)
    )
    page = dpo_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
    orders = page[
        page.index("All orders of this customer") - 2000 : page.index("All orders of this customer")
    ]
    assert "01/10/2026 12:15" in orders and "22:15" not in orders and "10:15 p.m." not in orders

    req = erasure_request(customer)
    at = datetime.datetime(2026, 1, 9, 22, 15, tzinfo=datetime.UTC)
    req.events.create(kind="started", at=at)
    req.messages.create(subject="Re", body="Hej", language="sv", sent_at=at)
    page = dpo_client.get(reverse("admin:requests_request_change", args=[req.pk])).content.decode()
    assert "2026-01-10 00:15" in page
    assert "2026-01-09 22:15" not in page


def test_match_page_shows_candidates_by_what_tells_them_apart_and_searches_by_post(dpo_client, dpo):
    proposed = make_customer(first_name="Aino", last_name="Virtanen", city="Tampere")
    make_order(proposed, number="W-778899")
    other = make_customer(first_name="Aino", last_name="Virtala", city="Oulu")
    req = make_request(email=proposed.email)
    req.customers.add(proposed)
    url = reverse("admin:requests_request_match", args=[req.pk])

    page = dpo_client.get(url).content.decode()
    row = page[page.index(f'data-customer="{proposed.customer_number}"') :]
    row = row[: row.index("</tr>")]
    for shown in ["Aino Virtanen", proposed.email, proposed.customer_number, "Tampere", "W-778899"]:
        assert shown in row
    assert f'value="{proposed.pk}"' in row and "checked" in row

    for term in ["Virtala", other.email, other.customer_number]:
        found = dpo_client.post(url, {"q": term, "search": "1"}).content.decode()
        assert f'data-customer="{other.customer_number}"' in found, term
    by_order = dpo_client.post(url, {"q": "W-778899", "search": "1"}).content.decode()
    assert f'data-customer="{proposed.customer_number}"' in by_order

    response = dpo_client.post(url, {"customers": [other.pk], "confirm": "1"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert list(req.customers.all()) == [other] and req.match_confirmed_by == dpo


def test_the_request_page_lists_the_proposed_customers_before_confirming(dpo_client):
    proposed = make_customer(first_name="Aino", last_name="Virtanen", city="Tampere")
    req = make_request(email=proposed.email)
    req.customers.add(proposed)
    page = dpo_client.get(reverse("admin:requests_request_change", args=[req.pk])).content.decode()
    summary = page[page.index('id="match-summary"') :]
    summary = summary[: summary.index("</table>")]
    assert "Aino Virtanen" in summary and "Tampere" in summary and proposed.customer_number in summary


def test_customer_service_without_customer_access_cannot_search(client, dpo):
    from tests.conftest import login_with_second_factor, make_staff

    req = erasure_request(make_customer())
    plain = login_with_second_factor(client, make_staff("plain", None))
    assert plain.get(reverse("admin:requests_request_match", args=[req.pk])).status_code == 403
