"""remind_deadlines: one reminder per request per day, to the assignee or the DPO."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from requests import deadlines
from requests.models import ReminderLog, Request
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def due_in(days):
    return deadlines.today() + timedelta(days=days)


def test_reminds_assignee_and_dpo_once_per_request_per_day(dpo, customer_service):
    mine = make_request(due_date=due_in(3), assignee=customer_service)
    unassigned = make_request(due_date=due_in(-2))
    make_request(due_date=due_in(30))  # not due soon
    make_request(due_date=due_in(1), status=Request.Status.AWAITING_VERIFICATION)  # not actionable
    make_request(
        due_date=due_in(1),
        status=Request.Status.COMPLETED,
    )

    call_command("remind_deadlines", "--days", "7", verbosity=0)
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {(customer_service.email,), (dpo.email,)}
    assert mine.number in by_recipient[(customer_service.email,)].body
    dpo_body = by_recipient[(dpo.email,)].body
    assert unassigned.number in dpo_body and "OVERDUE" in dpo_body
    # No personal data in the reminder.
    assert mine.email not in by_recipient[(customer_service.email,)].body
    assert mine.name not in by_recipient[(customer_service.email,)].body

    call_command("remind_deadlines", "--days", "7", verbosity=0)
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.count() == 2


def test_extended_deadline_is_respected(dpo):
    make_request(due_date=due_in(2), extended_due_date=due_in(40))
    call_command("remind_deadlines", verbosity=0)
    assert not mail.outbox


def test_falls_back_to_register_contact_without_dpo_users(monkeypatch):
    make_request(due_date=due_in(1))
    monkeypatch.setattr(
        "requests.notice.controller", lambda: {"name": "Shop", "email": "privacy@shop.example"}
    )
    call_command("remind_deadlines", verbosity=0)
    assert mail.outbox[0].to == ["privacy@shop.example"]
