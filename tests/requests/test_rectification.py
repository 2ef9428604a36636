"""Rectification (GDPR Art. 16): structured proposals, staff diff, apply with history and Art. 19."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Customer
from requests.models import (
    RectificationChange,
    Request,
    RequestEvent,
    SupplementaryStatement,
    TransitionError,
)
from requests.rectification import apply_rectification, record_proposals
from tests.conftest import make_staff
from tests.factories import make_complete_register, make_customer, make_matched_request

pytestmark = pytest.mark.django_db


def rectification_request(customer, proposals=None, **fields):
    request = make_matched_request([customer], kind=Request.Kind.RECTIFICATION, **fields)
    record_proposals(request, proposals or {})
    return request


def test_public_form_stores_structured_proposals(client):
    response = client.post(
        "/sv/requests/new/",
        {
            "kind": "rectification",
            "email": "kund@example.org",
            "rectification_wrong": "Fel gata",
            "proposed_street_address": "Storgatan 2",
            "proposed_city": "Åbo",
            "proposed_identity_number": "010101-0101",  # not on the whitelist: ignored
        },
    )

    assert response.status_code == 302
    request = Request.objects.get()
    stored = dict(request.rectifications.values_list("field", "customer_value"))
    assert stored == {"street_address": "Storgatan 2", "city": "Åbo"}
    assert not RectificationChange.objects.filter(customer__isnull=False).exists()  # no lookup at intake


def test_a_proposal_alone_is_enough_for_a_rectification_request(client):
    response = client.post(
        "/en/requests/new/", {"kind": "rectification", "email": "kund@example.org", "proposed_city": "Turku"}
    )

    assert response.status_code == 302
    assert Request.objects.get().rectifications.get().customer_value == "Turku"


def test_other_kinds_store_no_proposals(client):
    client.post(
        "/en/requests/new/", {"kind": "access", "email": "kund@example.org", "proposed_city": "Turku"}
    )

    assert not RectificationChange.objects.exists()


def test_review_page_shows_current_and_proposed_side_by_side(dpo_client):
    customer = make_customer(city="Helsingfors", phone="+358 40 1234567")
    request = rectification_request(customer, {"city": "Åbo"})

    response = dpo_client.get(reverse("admin:requests_rectificationchange_review", args=[request.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('data-field="city"') :]
    row = row[: row.index("</tr>")]
    assert "Helsingfors" in row and "Åbo" in row
    assert 'value="Åbo"' in row  # the value to apply is prefilled with the proposal
    assert 'value="+358 40 1234567"' in html  # other fields start at their current value


def test_apply_writes_the_change_with_history_reason_and_author(dpo_client, dpo):
    customer = make_customer(city="Helsingfors", last_name="Svensson")
    request = rectification_request(customer, {"city": "Åbo"})
    url = reverse("admin:requests_rectificationchange_review", args=[request.pk])
    form = {"customer": customer.pk, "statement": "", "confirm": "Confirm and apply"}
    form.update({f"value_{name}": str(getattr(customer, name)) for name in ("first_name", "email", "phone")})
    form.update({"value_last_name": "Svensson-Berg", "value_city": "Åbo"})
    form.update({f"value_{n}": str(getattr(customer, n)) for n in ("street_address", "postal_code")})
    form.update({"value_country": customer.country, "value_language": customer.language, "value_company": ""})

    response = dpo_client.post(url, form)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.city, customer.last_name) == ("Åbo", "Svensson-Berg")
    latest = customer.history.first()
    assert latest.history_change_reason == f"Rectification, request {request.number}"
    assert latest.history_user == dpo
    applied = {c.field: c for c in RectificationChange.objects.filter(customer=customer)}
    assert set(applied) == {"city", "last_name"}
    assert applied["city"].current_value == "Helsingfors" and not applied["city"].staff_edited
    assert applied["last_name"].staff_edited  # the customer did not propose it
    assert applied["city"].applied_by == dpo and applied["city"].applied_at
    event = request.events.get(kind=RequestEvent.Kind.RECTIFIED)
    assert "Åbo" not in event.detail  # the audit event names fields, not values


def test_staff_may_edit_the_proposed_value(dpo):
    customer = make_customer(city="Helsingfors")
    request = rectification_request(customer, {"city": "abo"})

    (change,) = apply_rectification(request, customer, {"city": "Åbo"}, by=dpo)

    assert change.customer_value == "abo" and change.proposed_value == "Åbo" and change.staff_edited
    assert Customer.objects.get(pk=customer.pk).city == "Åbo"


def test_invalid_value_changes_nothing(dpo):
    customer = make_customer(country="FI", city="Helsingfors")
    request = rectification_request(customer)

    with pytest.raises(ValidationError):
        apply_rectification(request, customer, {"country": "Finland", "city": "Åbo"}, by=dpo)

    customer.refresh_from_db()
    assert (customer.country, customer.city) == ("FI", "Helsingfors")
    assert not RectificationChange.objects.filter(applied_at__isnull=False).exists()


def test_unmatched_customer_or_wrong_kind_is_refused(dpo):
    customer = make_customer()
    other = make_customer()
    request = rectification_request(customer)

    with pytest.raises(TransitionError):
        apply_rectification(request, other, {"city": "Åbo"}, by=dpo)
    access = make_matched_request([customer])
    with pytest.raises(TransitionError):
        apply_rectification(access, customer, {"city": "Åbo"}, by=dpo)
    assert Customer.objects.get(pk=customer.pk).city == customer.city


def test_supplementary_statement_is_attached_to_the_customer(dpo):
    customer = make_customer()
    request = rectification_request(customer)

    apply_rectification(request, customer, {}, by=dpo, statement="My address also has a c/o line.")

    statement = SupplementaryStatement.objects.get()
    assert statement.customer == customer and statement.request == request and statement.created_by == dpo


def test_applying_creates_art_19_tasks_for_recipients(dpo):
    make_complete_register()
    customer = make_customer(city="Helsingfors")
    request = rectification_request(customer)

    apply_rectification(request, customer, {"city": "Åbo"}, by=dpo)

    assert request.events.filter(kind=RequestEvent.Kind.RECIPIENTS_NOTIFIED).exists()


def test_customer_service_may_review_and_apply(service_client, customer_service):
    customer = make_customer(city="Helsingfors")
    request = rectification_request(customer, {"city": "Åbo"})

    url = reverse("admin:requests_rectificationchange_review", args=[request.pk])
    assert service_client.get(url).status_code == 200


def test_staff_without_the_permission_cannot_review(client, outsider):
    customer = make_customer()
    request = rectification_request(customer, {"city": "Åbo"})
    url = reverse("admin:requests_rectificationchange_review", args=[request.pk])

    client.force_login(make_staff("plain", None))
    assert client.get(url).status_code == 403
    assert client.post(url, {"customer": customer.pk, "value_city": "X"}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 302
    assert Customer.objects.get(pk=customer.pk).city == customer.city
