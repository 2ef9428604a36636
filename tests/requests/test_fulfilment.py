"""A request completes only when its fulfilment is done; otherwise Complete says what is missing."""

import pytest
from django.core import mail
from django.urls import reverse

from requests.erasure import erase_for_request
from requests.fulfilment import confirm_no_data_held, decline_rectifications, missing_for_completion
from requests.models import Request, RequestEvent, TransitionError
from requests.rectification import apply_rectification, record_proposals
from requests.report_review import release_report
from requests.reports import build_access_report
from requests.rights import apply_restriction
from tests.factories import make_complete_register, make_customer, make_matched_request, make_request

pytestmark = pytest.mark.django_db


def in_progress(customers=(), **fields) -> Request:
    request = make_matched_request(customers, status=Request.Status.IN_PROGRESS, **fields)
    return request


def refused_with(request: Request, by, text: str) -> None:
    with pytest.raises(TransitionError) as exc:
        request.complete(by=by)
    assert any(text in message for message in exc.value.messages), exc.value.messages
    request.refresh_from_db()
    assert request.status == Request.Status.IN_PROGRESS
    assert not request.events.filter(kind=RequestEvent.Kind.COMPLETED).exists()


def test_every_kind_first_needs_the_customer_match_confirmed(dpo):
    for kind in Request.Kind.values:
        request = make_request(kind=kind, status=Request.Status.IN_PROGRESS)
        refused_with(request, dpo, "Confirm which customers the request concerns")


def test_access_request_needs_a_released_report(dpo):
    request = in_progress([make_customer()])
    refused_with(request, dpo, "Release a report to the customer")

    report = build_access_report(request, by=dpo)
    refused_with(request, dpo, "Release a report to the customer")  # generated is not released

    release_report(report, by=dpo, reviewed_sha256=report.sha256)
    request.complete(by=dpo)
    request.refresh_from_db()
    assert request.status == Request.Status.COMPLETED


def test_portability_needs_a_released_export_not_an_access_report(dpo):
    request = in_progress([make_customer()], kind=Request.Kind.PORTABILITY)
    report = build_access_report(request, by=dpo)
    release_report(report, by=dpo, reviewed_sha256=report.sha256)
    assert missing_for_completion(request) == []


def test_access_request_about_nobody_completes_after_confirming_no_data_is_held(dpo):
    request = in_progress([], language="fi", email="someone@example.fi")
    refused_with(request, dpo, "confirm that no data is held")

    confirm_no_data_held(request, by=dpo)
    request.complete(by=dpo)

    request.refresh_from_db()
    assert request.status == Request.Status.COMPLETED
    (sent,) = mail.outbox
    assert sent.to == ["someone@example.fi"]
    assert "Meillä ei ole sinusta henkilötietoja" in sent.body
    assert request.messages.get(template="no_data_held").language == "fi"


def test_no_data_held_is_refused_while_customers_are_matched(dpo):
    request = in_progress([make_customer()])
    with pytest.raises(TransitionError):
        confirm_no_data_held(request, by=dpo)
    assert not request.events.filter(kind=RequestEvent.Kind.NO_DATA_HELD).exists()


def test_erasure_request_needs_every_matched_customer_erased(dpo):
    make_complete_register()
    customers = [make_customer(), make_customer()]
    request = in_progress(customers, kind=Request.Kind.ERASURE)
    refused_with(request, dpo, "Erase the matched customers (2 not erased yet)")

    erase_for_request(request, by=dpo)
    request.complete(by=dpo)

    request.refresh_from_db()
    assert request.status == Request.Status.COMPLETED


def test_erasure_request_can_be_rejected_instead(dpo):
    request = in_progress([make_customer()], kind=Request.Kind.ERASURE)
    request.reject(
        by=dpo, reason=Request.RejectionReason.OTHER, justification="Legal claim pending in court."
    )
    request.refresh_from_db()
    assert request.status == Request.Status.REJECTED


def test_rectification_needs_every_proposal_applied_or_declined_with_a_reason(dpo):
    customer = make_customer()
    request = in_progress([customer], kind=Request.Kind.RECTIFICATION)
    record_proposals(request, {"city": "Åbo", "street_address": "Slottsgatan 3"})
    refused_with(request, dpo, "City")

    apply_rectification(request, customer, {"city": "Åbo"}, by=dpo)
    refused_with(request, dpo, "Street address")
    with pytest.raises(TransitionError):
        decline_rectifications(request, ["street_address"], by=dpo, reason="  ")
    decline_rectifications(request, ["street_address"], by=dpo, reason="No such street in Åbo.")

    assert missing_for_completion(request) == []


def test_rectification_without_proposals_needs_a_correction_or_a_statement(dpo):
    customer = make_customer()
    request = in_progress([customer], kind=Request.Kind.RECTIFICATION, rectification_wrong="Fel adress")
    refused_with(request, dpo, "supplementary statement")

    apply_rectification(request, customer, {}, by=dpo, statement="Jag bor här sedan mars.")

    assert missing_for_completion(request) == []


def test_restriction_needs_processing_restricted(dpo):
    make_complete_register()
    request = in_progress([make_customer()], kind=Request.Kind.RESTRICTION)
    refused_with(request, dpo, "Restrict processing")

    apply_restriction(request, by=dpo)

    assert missing_for_completion(request) == []


@pytest.mark.parametrize("kind", [Request.Kind.OBJECTION, Request.Kind.WITHDRAWAL])
def test_objection_and_withdrawal_are_applied_to_the_confirmed_customers(dpo, kind):
    customer = make_customer()
    request = make_request(kind=kind, status=Request.Status.IN_PROGRESS)
    request.customers.add(customer)
    refused_with(request, dpo, "Confirm which customers")

    request.confirm_match([customer], by=dpo)

    assert missing_for_completion(request) == []
    assert request.events.filter(kind=RequestEvent.Kind.CONSENT_WITHDRAWN).exists()


def test_admin_shows_what_is_missing_beside_complete_and_refuses_with_it(dpo_client):
    request = in_progress([make_customer()])
    change = reverse("admin:requests_request_change", args=[request.pk])

    page = dpo_client.get(change).content.decode()
    response = dpo_client.post(
        reverse("admin:requests_request_act", args=[request.pk, "complete"]), follow=True
    )

    assert 'id="missing-for-completion"' in page
    assert "Release a report to the customer" in page
    assert "The request cannot be completed yet." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Request.Status.IN_PROGRESS
