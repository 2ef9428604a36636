"""Consent events from the shop, and the marketing question."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import ConsentEvent, Customer, Suppression
from customers.sync import may_market
from register.models import NoticeVersion
from tests.factories import make_complete_register, make_consent, make_customer

pytestmark = pytest.mark.django_db
PATH = "/api/v1/consents/"


def consent(**extra):
    return {
        "customer": {"external_id": "C-1"},
        "purpose": "newsletter_email",
        "action": "granted",
        "channel": "checkout",
        "evidence": "Checkout checkbox, form v3",
        **extra,
    }


def test_a_consent_event_is_appended_with_the_notice_in_force_at_that_time(api_call, api_key):
    from register.models import publish

    key, secret = api_key
    customer = make_customer(external_id="C-1")
    register = make_complete_register()
    publish(register)
    first = NoticeVersion.objects.get()
    NoticeVersion.objects.filter(pk=first.pk).update(published_at=timezone.now() - timedelta(days=30))
    register.refresh_from_db()
    publish(register)
    second = NoticeVersion.objects.order_by("-number").first()
    assert second.number != first.number

    earlier = (timezone.now() - timedelta(days=10)).isoformat()
    response = api_call("POST", PATH, consent(occurred_at=earlier), key=secret)
    assert response.status_code == 201, response.json()
    event = ConsentEvent.objects.get()
    assert (event.customer, event.action, event.via) == (customer, "granted", "checkout")
    assert event.notice_version == first.number
    assert key.prefix in event.evidence
    assert response.json()["notice_version"] == first.number

    now = api_call("POST", PATH, consent(action="withdrawn"), key=secret)
    assert now.json()["notice_version"] == second.number
    assert not customer.has_consent("newsletter_email")


def test_a_global_privacy_control_signal_is_kept_as_evidence(api_call, api_key):
    _key, secret = api_key
    make_customer(external_id="C-1")
    response = api_call("POST", PATH, consent(action="withdrawn", global_privacy_control=True), key=secret)
    assert response.status_code == 201
    assert ConsentEvent.objects.get().evidence.startswith("Sec-GPC: 1; Checkout checkbox")


def test_bad_consent_fields_get_400_and_no_event(api_call, api_key):
    _key, secret = api_key
    make_customer(external_id="C-1")
    response = api_call("POST", PATH, consent(action="maybe", channel="pigeon"), key=secret)
    assert response.status_code == 400
    assert set(response.json()) == {"action", "channel"}
    unknown = api_call("POST", PATH, consent(purpose="no-such-purpose"), key=secret)
    assert unknown.status_code == 400 and "purpose" in unknown.json()
    future = api_call("POST", PATH, consent(occurred_at="2099-01-01T00:00:00Z"), key=secret)
    assert future.status_code == 400 and "occurred_at" in future.json()
    notice = api_call("POST", PATH, consent(notice_version=99), key=secret)
    assert notice.status_code == 400 and "notice_version" in notice.json()
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize("channel", ["staff", "import", "request"])
def test_the_shop_cannot_name_the_registers_own_channels(api_call, api_key, channel):
    """Staff in the admin, the CSV import and data-subject requests record their own consent events: the
    ledger says who wrote each event, so the shop's systems may not claim those channels."""
    _key, secret = api_key
    make_customer(external_id="C-1")
    response = api_call("POST", PATH, consent(channel=channel), key=secret)
    assert response.status_code == 400 and set(response.json()) == {"channel"}
    assert not ConsentEvent.objects.exists()
    for allowed in ("checkout", "web_form", "unsubscribe", "in_shop"):
        assert api_call("POST", PATH, consent(channel=allowed), key=secret).status_code == 201


def test_a_consent_needs_its_scope_and_a_retry_appends_nothing(api_call, api_key, db):
    from tests.api.conftest import make_key

    _key, secret = api_key
    make_customer(external_id="C-1")
    _other, no_scope = make_key(scopes=["customers:write"])
    assert api_call("POST", PATH, consent(), key=no_scope).status_code == 403
    first = api_call("POST", PATH, consent(), key=secret, HTTP_IDEMPOTENCY_KEY="c-1")
    retry = api_call("POST", PATH, consent(), key=secret, HTTP_IDEMPOTENCY_KEY="c-1")
    assert retry.json() == first.json()
    assert ConsentEvent.objects.count() == 1


# --- marketing ---


def ask(api_call, secret, purpose="newsletter_email", **headers):
    return api_call("GET", "/api/v1/marketing/", {"purpose": purpose}, key=secret, **headers)


def test_marketing_follows_the_register_rules(api_call, api_key):
    _key, secret = api_key
    customer = make_customer(email="maja@example.com", phone="+358401234567")
    make_consent(customer)
    email = {"HTTP_X_CUSTOMER_EMAIL": "MAJA@example.com"}
    assert ask(api_call, secret, **email).json() == {"purpose": "newsletter_email", "marketable": True}
    assert ask(api_call, secret, HTTP_X_CUSTOMER_PHONE="+358 40 1234567").json()["marketable"] is True
    assert ask(api_call, secret, purpose="sms_marketing", **email).json()["marketable"] is False

    customer.restrict("Disputed accuracy")
    assert ask(api_call, secret, **email).json()["marketable"] is False
    Customer.objects.filter(pk=customer.pk).update(restricted_at=None)
    Suppression.add(phone="+358401234567")
    assert ask(api_call, secret, **email).json()["marketable"] is False


def test_marketing_is_one_query(db, django_assert_num_queries):
    customer = make_customer(email="maja@example.com")
    make_consent(customer)
    with django_assert_num_queries(1):
        assert may_market("newsletter_email", email="maja@example.com")


def test_marketing_refuses_a_missing_contact_an_unknown_purpose_or_scope(api_call, api_key, db):
    from tests.api.conftest import make_key

    _key, secret = api_key
    assert ask(api_call, secret).status_code == 400
    unknown = ask(api_call, secret, purpose="nope", HTTP_X_CUSTOMER_EMAIL="a@example.com")
    assert unknown.status_code == 400 and "purpose" in unknown.json()
    _other, no_scope = make_key(scopes=["consents:write"])
    assert ask(api_call, no_scope, HTTP_X_CUSTOMER_EMAIL="a@example.com").status_code == 403
    assert ask(api_call, "kr_bad_key", HTTP_X_CUSTOMER_EMAIL="a@example.com").status_code == 401
