"""Extending the deadline (GDPR Art. 12(3)): once, within the first month, at most two months."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from requests.models import Request, RequestEvent, TransitionError
from tests.factories import make_request

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2025, 1, 31, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


def test_extension_within_first_month_sets_new_date_and_notifies_customer(dpo):
    req = make_request(received_at=RECEIVED, language="fi")
    assert req.due_date == date(2025, 2, 28)
    req.extend(by=dpo, months=2, reason="Useita laajoja pyyntöjä", today=date(2025, 2, 28))
    req.refresh_from_db()
    assert req.extended_due_date == date(2025, 4, 28)
    assert req.extended_by == dpo
    assert req.events.filter(kind=RequestEvent.Kind.EXTENDED, actor=dpo).exists()
    message = req.messages.get()
    assert message.template == "extension" and message.language == "fi"
    assert len(mail.outbox) == 1
    assert "enintään kahdella" in mail.outbox[0].body
    assert "Useita laajoja pyyntöjä" in mail.outbox[0].body


def test_extension_refused_after_the_first_month(dpo):
    req = make_request(received_at=RECEIVED)
    with pytest.raises(TransitionError):
        req.extend(by=dpo, months=1, reason="Complex", today=date(2025, 3, 1))
    req.refresh_from_db()
    assert req.extended_due_date is None
    assert not mail.outbox


@pytest.mark.parametrize("months", [0, 3, 12])
def test_extension_refused_beyond_two_further_months(dpo, months):
    req = make_request(received_at=RECEIVED)
    with pytest.raises(TransitionError):
        req.extend(by=dpo, months=months, reason="Complex", today=date(2025, 2, 1))
    req.refresh_from_db()
    assert req.extended_due_date is None


def test_extension_only_once(dpo):
    req = make_request(received_at=RECEIVED)
    req.extend(by=dpo, months=1, reason="Complex", today=date(2025, 2, 1))
    with pytest.raises(TransitionError):
        req.extend(by=dpo, months=1, reason="Still complex", today=date(2025, 2, 2))
    req.refresh_from_db()
    assert req.extended_due_date == date(2025, 3, 28)


def test_extension_needs_a_reason(dpo):
    req = make_request(received_at=RECEIVED)
    with pytest.raises(TransitionError):
        req.extend(by=dpo, months=1, reason=" ", today=date(2025, 2, 1))


def test_unverified_request_cannot_be_extended(dpo):
    req = make_request(received_at=RECEIVED, status=Request.Status.AWAITING_VERIFICATION)
    with pytest.raises(TransitionError):
        req.extend(by=dpo, months=1, reason="Complex", today=date(2025, 2, 1))
