"""An applied rectification is visible afterwards: history shows before/after, the customer is told."""

import pytest
from django.core import mail
from django.urls import reverse

from customers.models import Customer
from requests.fulfilment import decline_rectifications
from requests.models import Request
from requests.rectification import apply_rectification, record_proposals
from tests.conftest import login_with_second_factor
from tests.factories import make_customer, make_matched_request

pytestmark = pytest.mark.django_db


def bulk_customer(**fields) -> Customer:
    """A customer as imports and the demo data create them: in bulk, without a history row."""
    (customer,) = Customer.objects.bulk_create(
        [
            Customer(
                customer_number="C-RECT-1",
                first_name="Aino",
                last_name="Mäkelä",
                email="aino.makela@example.fi",
                street_address="Storgatan 1",
                city="Helsingfors",
                postal_code="00100",
                country="FI",
                language="fi",
                **fields,
            )
        ]
    )
    return Customer.objects.get(pk=customer.pk)


def changes_shown(client, customer: Customer) -> list[dict]:
    response = client.get(reverse("admin:customers_customer_history", args=[customer.pk]))
    assert response.status_code == 200
    newest = response.context["page_obj"].object_list[0]
    return [
        {"field": str(change["field"]), "old": str(change["old"]), "new": str(change["new"])}
        for change in getattr(newest, "history_delta_changes", [])
    ]


def test_history_shows_the_rectified_fields_with_before_and_after(dpo_client, dpo):
    customer = bulk_customer()
    assert not customer.history.exists()
    request = make_matched_request([customer], kind=Request.Kind.RECTIFICATION)

    apply_rectification(request, customer, {"street_address": "Slottsgatan 3", "city": "Åbo"}, by=dpo)

    newest = customer.history.latest()
    assert newest.history_type == "~" and newest.history_user == dpo
    assert newest.history_change_reason == f"Rectification, request {request.number}"
    shown = {
        change["field"].lower(): (change["old"], change["new"])
        for change in changes_shown(dpo_client, customer)
    }
    assert shown == {"street address": ("Storgatan 1", "Slottsgatan 3"), "city": ("Helsingfors", "Åbo")}


def test_masked_fields_stay_masked_in_the_history_without_the_permission(client, dpo, customer_service):
    customer = make_customer(identity_number="131052-308T")
    customer.identity_number = "010203-123A"
    customer.save()

    login_with_second_factor(client, customer_service)
    masked = changes_shown(client, customer)
    login_with_second_factor(client, dpo)
    full = changes_shown(client, customer)

    (change,) = [c for c in masked if "identity" in c["field"].lower()]
    assert (
        "131052" not in change["old"] and "308T" not in change["old"][:-4] and change["old"].endswith("308T")
    )
    assert "010203" not in change["new"]
    assert any(c["old"] == "131052-308T" and c["new"] == "010203-123A" for c in full)


def test_completing_a_rectification_tells_the_customer_which_fields_in_their_language(dpo):
    customer = make_customer(language="fi", city="Helsingfors", phone="+358 40 111 2222")
    request = make_matched_request(
        [customer], kind=Request.Kind.RECTIFICATION, status=Request.Status.IN_PROGRESS, language="fi"
    )
    record_proposals(request, {"city": "Turku", "phone": "+358 40 333 4444", "street_address": "Kuja 9"})
    apply_rectification(request, customer, {"city": "Turku", "phone": "+358 40 333 4444"}, by=dpo)
    decline_rectifications(
        request, ["street_address"], by=dpo, reason="Osoitetta ei löydy Postin rekisteristä."
    )
    mail.outbox.clear()

    request.complete(by=dpo)

    (sent,) = mail.outbox
    assert sent.to == [request.email]
    body = sent.body
    assert "Postitoimipaikka" in body and "Puhelin" in body  # Finnish field names
    assert "Katuosoite: Osoitetta ei löydy Postin rekisteristä." in body
    for value in ("Turku", "333 4444", "Kuja 9", "Helsingfors", "111 2222"):
        assert value not in body  # names of fields, never values
    stored = request.messages.get(template="rectification_done")
    assert stored.language == "fi" and stored.sent_by == dpo


def test_staff_record_on_the_review_page_which_proposals_are_not_applied(service_client, customer_service):
    customer = make_customer()
    request = make_matched_request([customer], kind=Request.Kind.RECTIFICATION)
    record_proposals(request, {"city": "Åbo", "street_address": "Slottsgatan 3"})
    review = reverse("admin:requests_rectificationchange_review", args=[request.pk])

    refused = service_client.post(review, {"decline": "", "fields_declined": ["city"], "reason": ""})
    response = service_client.post(
        review,
        {"decline": "", "fields_declined": ["city"], "reason": "Åbo is the Swedish name; we keep Turku."},
    )

    assert refused.status_code == 200  # the form again, with the error
    assert response.status_code == 302
    declined = request.rectifications.get(field="city")
    assert declined.rejected_by == customer_service and declined.rejection_reason.startswith("Åbo is")
    assert request.rectifications.get(field="street_address").rejected_at is None
    page = service_client.get(review).content.decode()
    assert "Åbo is the Swedish name" in page
