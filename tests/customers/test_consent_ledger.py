from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import ConsentEvent, Customer, Suppression
from tests.factories import make_consent, make_customer

pytestmark = pytest.mark.django_db


def test_current_consent_follows_latest_event():
    customer = make_customer()
    assert customer.current_consents()["newsletter_email"] is False
    start = timezone.now() - timedelta(days=10)
    customer.grant_consent("newsletter_email", via=ConsentEvent.Via.CHECKOUT, occurred_at=start)
    assert customer.current_consents()["newsletter_email"] is True
    customer.withdraw_consent(
        "newsletter_email", via=ConsentEvent.Via.PHONE, occurred_at=start + timedelta(days=1)
    )
    assert customer.current_consents()["newsletter_email"] is False
    customer.grant_consent(
        "newsletter_email", via=ConsentEvent.Via.WEB_FORM, occurred_at=start + timedelta(days=2)
    )
    state = customer.current_consents()
    assert state["newsletter_email"] is True
    assert state["sms_marketing"] is False
    assert set(state) == {"newsletter_email", "sms_marketing", "postal_marketing", "personalisation"}


def test_an_earlier_backdated_event_does_not_override_the_latest():
    customer = make_customer()
    customer.withdraw_consent("sms_marketing", via=ConsentEvent.Via.PHONE)
    customer.grant_consent(
        "sms_marketing", via=ConsentEvent.Via.IMPORT, occurred_at=timezone.now() - timedelta(days=30)
    )
    assert customer.current_consents()["sms_marketing"] is False


def test_saving_an_existing_event_is_refused():
    event = make_consent()
    event.action = ConsentEvent.Action.WITHDRAWN
    with pytest.raises(ValueError):
        event.save()
    event.refresh_from_db()
    assert event.action == ConsentEvent.Action.GRANTED


def test_deleting_an_event_is_refused():
    event = make_consent()
    with pytest.raises(ValueError):
        event.delete()
    assert ConsentEvent.objects.filter(pk=event.pk).exists()


def test_marketable_excludes_withdrawn_restricted_suppressed_and_erased(django_assert_num_queries):
    ok = make_customer()
    withdrawn = make_customer()
    restricted = make_customer()
    suppressed = make_customer(phone="040 765 4321")
    erased = make_customer()
    never = make_customer()
    other_purpose = make_customer()
    for customer in (ok, withdrawn, restricted, suppressed, erased):
        make_consent(customer, "newsletter_email")
    make_consent(other_purpose, "sms_marketing")
    make_consent(withdrawn, "newsletter_email", action="withdrawn", via="unsubscribe")
    restricted.restrict(reason="Accuracy contested")
    Suppression.add(phone="+358407654321")
    erased.erased_at = timezone.now()
    erased.save()
    assert never.pk and other_purpose.pk

    with django_assert_num_queries(1):
        result = list(Customer.objects.marketable("newsletter_email"))
    assert result == [ok]


def test_suppression_stores_only_a_keyed_hash():
    digests = Suppression.add(email="  Someone@Example.COM ", reason=Suppression.Reason.OBJECTION)
    assert len(digests) == 1
    entry = Suppression.objects.get(digest=digests[0])
    assert "someone" not in entry.digest and entry.reason == Suppression.Reason.OBJECTION
    assert Suppression.objects.contains_email("someone@example.com")
    assert not Suppression.objects.contains_email("other@example.com")
    Suppression.add(email="someone@example.com")
    assert Suppression.objects.count() == 1


def test_matching_email_ignores_case_and_whitespace():
    customer = make_customer(email="Anna.Berg@Example.se ")
    assert list(Customer.objects.matching_email("  anna.berg@example.SE")) == [customer]
