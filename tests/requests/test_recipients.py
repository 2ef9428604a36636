"""Art. 19: one task per recipient receiving customer data; marked sent or impossible with a reason."""

import pytest
from django.core import mail
from django.urls import reverse

from register.models import Recipient
from requests.models import RecipientNotification, Request, TransitionError
from requests.rights import create_recipient_notifications
from tests.factories import make_complete_register, make_customer, make_request

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:requests_recipientnotification_changelist"


@pytest.fixture
def tasks():
    register = make_complete_register()
    Recipient.objects.filter(register=register).update(email="dpo@posti.example")
    Recipient.objects.create(
        register=register, kind="it_service", name_sv="Webbhotell", receives_customer_data=False
    )
    req = make_request(kind=Request.Kind.RECTIFICATION, email="kund@example.org")
    req.customers.add(make_customer())
    return req, create_recipient_notifications(req, "rectification")


def test_one_task_per_receiving_recipient_and_idempotent(tasks):
    req, created = tasks
    assert [n.recipient_name for n in created] == ["Posti [sv]"]
    assert create_recipient_notifications(req, "rectification") == []


def test_impossible_needs_a_reason(tasks, dpo):
    _req, (task,) = tasks
    with pytest.raises(TransitionError):
        task.mark_impossible(by=dpo, reason=" ")
    task.mark_impossible(by=dpo, reason="The carrier deleted the data after delivery.")
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.IMPOSSIBLE


def test_staff_send_the_notice_and_it_is_marked_sent(tasks, service_client):
    _req, (task,) = tasks
    response = service_client.post(
        reverse(CHANGELIST), {"action": "send_and_mark_sent", "_selected_action": [task.pk]}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.SENT and task.done_at
    assert mail.outbox[-1].to == ["dpo@posti.example"]


def test_mark_impossible_through_the_admin_requires_a_reason(tasks, service_client):
    _req, (task,) = tasks
    data = {"action": "mark_impossible", "_selected_action": [task.pk], "apply": "1", "reason": ""}
    service_client.post(reverse(CHANGELIST), data)
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.PENDING
    service_client.post(reverse(CHANGELIST), {**data, "reason": "Disproportionate effort"})
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.IMPOSSIBLE


def test_customer_can_be_told_the_recipients(tasks, service_client):
    req, _created = tasks
    service_client.post(reverse("admin:requests_request_rights", args=[req.pk, "tell_recipients"]))
    message = req.messages.get(template="recipients_list")
    assert "Posti" in message.body and "Webbhotell" not in message.body


def test_sending_a_task_someone_else_just_closed_is_refused_and_sends_nothing(tasks, dpo):
    from requests.rights import send_recipient_notification

    _req, (task,) = tasks
    seen_by_second = RecipientNotification.objects.get(pk=task.pk)
    task.mark_impossible(by=dpo, reason="The carrier deleted the data after delivery.")

    with pytest.raises(TransitionError, match="a moment ago"):
        send_recipient_notification(seen_by_second, by=dpo)

    assert mail.outbox == []
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.IMPOSSIBLE
