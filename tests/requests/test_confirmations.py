"""Irreversible staff steps ask first: a page names what happens, and acts only when confirmed."""

import pytest
from django.urls import reverse

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
    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.email == ""


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
