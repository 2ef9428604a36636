"""Identity rules per right: in the notice and on the rights page, marked at intake, awaited by fulfilment."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import ConsentEvent
from register.models import IdentityRule, Right, publish
from register.publishing import missing_for_publication
from requests.erasure import erase_for_request
from requests.fulfilment import confirm_no_data_held, missing_for_completion
from requests.identity import accepted_for
from requests.intake import receive_request
from requests.models import IdentityEvidenceEntry, Request, RequestEvent, TransitionError
from requests.reports import ReportError, build_access_report
from tests.factories import make_complete_register, make_consent, make_customer, make_request

pytestmark = pytest.mark.django_db

NOTE = {
    "note_nb": "Send et signert brev til Storgata 1, 0155 Oslo, eller kom innom butikken.",
    "note_sv": "Skicka ett undertecknat brev till Storgata 1, 0155 Oslo, eller kom till butiken.",
    "note_fi": "Lähetä allekirjoitettu kirje osoitteeseen Storgata 1, 0155 Oslo, tai tule myymälään.",
    "note_en": "Send a signed letter to Storgata 1, 0155 Oslo, or come to the shop.",
}


@pytest.fixture
def register():
    """A Norwegian shop: access needs a signed document or a personal visit; objection a visit."""
    register = make_complete_register(country="NO", languages=("nb", "sv", "fi", "en"))
    IdentityRule.objects.create(
        register=register,
        right=Right.ACCESS,
        accepts_signed_document=True,
        accepts_personal_visit=True,
        **NOTE,
    )
    IdentityRule.objects.create(register=register, right=Right.OBJECTION, accepts_personal_visit=True)
    IdentityRule.objects.create(
        register=register, right=Right.PORTABILITY, accepts_email_link=True, accepts_customer_account=True
    )
    publish(register)
    return register


def web_request(kind, email="kari@example.no"):
    return receive_request(kind=kind, received_via=Request.Channel.WEB_FORM, language="nb", email=email)


# --- the register and the notice -------------------------------------------------------------


def test_a_rule_needs_a_ticked_kind_and_a_note_for_other_evidence(register):
    with pytest.raises(ValidationError):
        IdentityRule(register=register, right=Right.ERASURE).full_clean()
    with pytest.raises(ValidationError):
        IdentityRule(register=register, right=Right.ERASURE, accepts_other=True).full_clean()
    IdentityRule(register=register, right=Right.ERASURE, accepts_other=True, note_nb="BankID").full_clean()


def test_publishing_refuses_other_evidence_without_a_note(register):
    IdentityRule.objects.create(register=register, right=Right.ERASURE, accepts_other=True)
    assert any("Identity rule" in line for line in missing_for_publication(register))


def test_the_notice_says_which_evidence_suffices_in_each_language(client, register):
    english = client.get("/en/privacy/").content.decode()
    assert "Proof of identity we accept for this request: a signed document; a personal visit." in english
    assert NOTE["note_en"] in english
    norwegian = client.get("/nb/privacy/").content.decode()
    assert NOTE["note_nb"] in norwegian
    assert "et signert dokument" in norwegian


def test_the_rights_page_says_it(client, register):
    page = client.get("/sv/requests/").content.decode()
    assert NOTE["note_sv"] in page
    assert "ett undertecknat dokument" in page


# --- intake -------------------------------------------------------------------------------------


def test_a_request_is_kept_and_marked_awaiting_identity_evidence(register):
    request = web_request(Request.Kind.ACCESS)
    assert request.pk is not None
    assert request.identity_accepted == ["signed_document", "personal_visit"]
    assert request.awaiting_identity is True


def test_the_email_link_satisfies_a_rule_that_accepts_it(register):
    request = web_request(Request.Kind.PORTABILITY)
    assert request.identity_accepted == ["email_link", "customer_account"]
    assert request.awaiting_identity is False


def test_a_right_without_a_rule_needs_only_the_usual_verification(register):
    request = web_request(Request.Kind.RECTIFICATION)
    assert request.identity_accepted == [] and request.awaiting_identity is False
    assert accepted_for(Request.Kind.ERASURE) == []


def test_the_form_tells_the_customer_what_to_send_in_their_language(client, register):
    response = client.post("/fi/requests/new/", {"kind": "access", "email": "kari@example.no"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert NOTE["note_fi"] in page
    assert Request.objects.get().awaiting_identity
    # The address never appears in the page address.
    assert "kari" not in response["Location"]


def test_the_form_says_nothing_more_where_the_link_suffices(client, register):
    response = client.post("/en/requests/new/", {"kind": "portability", "email": "kari@example.no"})
    page = client.get(response["Location"]).content.decode()
    assert "also needs proof of your identity" not in page


# --- fulfilment waits -----------------------------------------------------------------------------


@pytest.fixture
def waiting(register):
    request = web_request(Request.Kind.ACCESS)
    Request.objects.filter(pk=request.pk).update(status=Request.Status.IN_PROGRESS)
    request.refresh_from_db()
    request.confirm_match([], by=None)
    return request


def test_fulfilment_is_refused_until_sufficient_evidence_is_recorded(waiting, dpo):
    assert "Identity evidence is missing" in missing_for_completion(waiting)[0]
    with pytest.raises(ReportError, match="Identity evidence is missing"):
        build_access_report(waiting, by=dpo)
    with pytest.raises(TransitionError):
        confirm_no_data_held(waiting, by=dpo)
    with pytest.raises(TransitionError):
        waiting.complete(by=dpo)

    # Evidence of a kind the rule does not accept does not suffice.
    waiting.record_identity_evidence(by=dpo, kind="customer_account", note="")
    waiting.refresh_from_db()
    assert waiting.awaiting_identity

    waiting.record_identity_evidence(by=dpo, kind="signed_document", note="Signed letter of 3 May, filed")
    waiting.refresh_from_db()
    assert not waiting.awaiting_identity
    entry = IdentityEvidenceEntry.objects.filter(request=waiting).last()
    assert (entry.kind, entry.recorded_by) == ("signed_document", dpo)
    event = waiting.events.filter(kind=RequestEvent.Kind.IDENTITY_EVIDENCE).last()
    assert event.actor == dpo and "Signed letter of 3 May" in event.detail
    confirm_no_data_held(waiting, by=dpo)
    waiting.complete(by=dpo)


def test_erasure_waits_for_identity_evidence(dpo):
    register = make_complete_register(country="SE")
    IdentityRule.objects.create(register=register, right=Right.ERASURE, accepts_personal_visit=True)
    publish(register)
    customer = make_customer()
    request = web_request(Request.Kind.ERASURE, email=customer.email)
    Request.objects.filter(pk=request.pk).update(status=Request.Status.VERIFIED)
    request.refresh_from_db()
    request.confirm_match([customer], by=dpo)
    with pytest.raises(TransitionError, match="Identity evidence is missing"):
        erase_for_request(request, by=dpo)
    customer.refresh_from_db()
    assert customer.erased_at is None
    request.record_identity_evidence(by=dpo, kind="personal_visit", note="Came to the shop with a passport")
    erase_for_request(request, by=dpo)


def test_an_objection_takes_effect_once_the_evidence_is_recorded(register, dpo):
    customer = make_customer(email="kari@example.no")
    make_consent(customer)
    request = web_request(Request.Kind.OBJECTION)
    token = request.issue_verification_token()
    request.verify_by_link(token)
    assert customer.has_consent("newsletter_email")
    request.refresh_from_db()
    request.record_identity_evidence(by=dpo, kind="personal_visit", note="In the shop")
    assert not customer.has_consent("newsletter_email")
    assert customer.latest_consent_event("newsletter_email").via == ConsentEvent.Via.REQUEST


def test_a_letter_without_email_is_verified_by_the_evidence(register, dpo):
    request = receive_request(
        kind=Request.Kind.ACCESS, received_via=Request.Channel.LETTER, language="nb", name="Kari Nordmann"
    )
    assert request.awaiting_identity
    request.record_identity_evidence(by=dpo, kind="signed_document", note="Signed letter, filed")
    request.refresh_from_db()
    assert request.is_verified and not request.awaiting_identity


# --- the admin ------------------------------------------------------------------------------------


def test_staff_record_evidence_in_the_admin(service_client, customer_service, waiting):
    url = reverse("admin:requests_request_identity", args=[waiting.pk])
    assert service_client.get(url).status_code == 200
    refused = service_client.post(url, {"kind": "signed_document", "note": ""})
    assert refused.status_code == 200
    waiting.refresh_from_db()
    assert waiting.awaiting_identity
    response = service_client.post(url, {"kind": "personal_visit", "note": "Came with a driving licence"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert not waiting.awaiting_identity
    page = service_client.get(reverse("admin:requests_request_change", args=[waiting.pk])).content.decode()
    assert "Sufficient evidence is recorded." in page


def test_the_request_page_says_what_is_missing(service_client, waiting):
    page = service_client.get(reverse("admin:requests_request_change", args=[waiting.pk])).content.decode()
    assert "Identity evidence is missing" in page


# --- matching a letter without email ----------------------------------------------------------------


@pytest.fixture
def letter(dpo):
    return make_request(email="", received_via=Request.Channel.LETTER)


def test_staff_find_a_customer_by_name_and_address_and_confirm(service_client, customer_service, letter):
    kari = make_customer(
        first_name="Kari", last_name="Nordmann", postal_code="0155", street_address="Storgata 1"
    )
    make_customer(first_name="Kari", last_name="Nordmann", postal_code="5003", street_address="Bryggen 2")
    url = reverse("admin:requests_request_match", args=[letter.pk])
    found = service_client.post(url, {"name": "kari nord", "postal_code": "0155"})
    assert found.status_code == 200
    assert [c.pk for c in found.context["results"]] == [kari.pk]
    response = service_client.post(url, {"confirm": "1", "customers": [kari.pk]})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert list(letter.customers.all()) == [kari] and letter.match_confirmed_at is not None


def test_staff_find_a_customer_by_number(service_client, letter):
    customer = make_customer(customer_number="K-4711")
    found = service_client.post(
        reverse("admin:requests_request_match", args=[letter.pk]), {"customer_number": "K-4711"}
    )
    assert [c.pk for c in found.context["results"]] == [customer.pk]


def test_a_name_alone_is_not_enough(service_client, letter):
    make_customer(first_name="Kari")
    found = service_client.post(reverse("admin:requests_request_match", args=[letter.pk]), {"name": "Kari"})
    assert found.context["results"] == []
    assert found.context["form"].errors


def test_the_change_form_takes_no_typed_customer_id(service_client, letter):
    page = service_client.get(reverse("admin:requests_request_change", args=[letter.pk]))
    assert 'name="customers"' not in page.content.decode()
