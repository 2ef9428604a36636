"""Status transitions are model methods; invalid moves are refused, valid ones leave a trail."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from requests.fulfilment import confirm_no_data_held
from requests.models import Request, RequestEvent, TransitionError
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_happy_path_leaves_an_event_and_history_for_every_transition(dpo):
    req = make_request(status=Request.Status.RECEIVED)
    req.issue_verification_token()
    req.verify(by=dpo, method=Request.VerificationMethod.PERSONAL_VISIT, note="Passport seen at office")
    req.start(by=dpo)
    req.confirm_match([], by=dpo)
    confirm_no_data_held(req, by=dpo)
    req.complete(by=dpo)
    req.refresh_from_db()
    assert req.status == Request.Status.COMPLETED
    assert req.completed_at is not None
    kinds = list(req.events.values_list("kind", flat=True))
    for kind in ("verification_sent", "verified", "started", "completed"):
        assert kind in kinds
    staff_events = req.events.filter(kind__in=["verified", "started", "completed"])
    assert all(e.actor == dpo for e in staff_events)
    statuses = [h.status for h in req.history.order_by("history_id")]
    changes = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert changes[-4:] == ["awaiting_verification", "verified", "in_progress", "completed"]
    assert req.history.latest().history_user == dpo


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Request.Status.RECEIVED, "start"),
        (Request.Status.AWAITING_VERIFICATION, "complete"),
        (Request.Status.VERIFIED, "complete"),
        (Request.Status.COMPLETED, "start"),
        (Request.Status.REJECTED, "complete"),
        (Request.Status.EXPIRED, "start"),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(dpo, status, action):
    extra = {"rejection_reason": "other", "rejection_justification": "x"} if status == "rejected" else {}
    req = make_request(status=status, **extra)
    events_before = req.events.count()
    with translation.override("en"), pytest.raises(TransitionError) as exc:
        getattr(req, action)(by=dpo)
    assert "cannot become" in str(exc.value.messages[0])
    with translation.override("sv"), pytest.raises(TransitionError) as exc:
        getattr(req, action)(by=dpo)
    assert "kan inte bli" in str(exc.value.messages[0])
    req.refresh_from_db()
    assert req.status == status
    assert req.events.count() == events_before


def test_reject_needs_reason_and_justification(dpo):
    req = make_request()
    with pytest.raises(TransitionError):
        req.reject(by=dpo, reason=Request.RejectionReason.EXCESSIVE, justification="  ")
    with pytest.raises(TransitionError):
        req.reject(by=dpo, reason="", justification="Fifth identical request this month")
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED


def test_reject_records_reason_and_emails_the_right_to_complain(dpo, settings):
    settings.SHOP_COUNTRY = "SE"
    req = make_request(language="en")
    req.reject(by=dpo, reason=Request.RejectionReason.EXCESSIVE, justification="Fifth identical request")
    req.refresh_from_db()
    assert req.status == Request.Status.REJECTED
    assert req.events.filter(kind=RequestEvent.Kind.REJECTED, actor=dpo).exists()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Fifth identical request" in body
    assert "Swedish Authority for Privacy Protection" in body
    assert "judicial remedy" in body
    assert req.messages.get().template == "rejection"


def test_closed_request_cannot_be_rejected(dpo):
    req = make_request(status=Request.Status.COMPLETED)
    with pytest.raises(TransitionError):
        req.reject(by=dpo, reason=Request.RejectionReason.OTHER, justification="x")


def test_unverified_request_expires_only_after_seven_days():
    req = make_request(status=Request.Status.AWAITING_VERIFICATION)
    with pytest.raises(TransitionError):
        req.expire()
    req.expire(now=timezone.now() + timedelta(days=8))
    req.refresh_from_db()
    assert req.status == Request.Status.EXPIRED
    assert req.events.filter(kind=RequestEvent.Kind.EXPIRED).exists()


def test_unverified_older_than_finds_only_old_unverified_requests():
    old = make_request(
        status=Request.Status.AWAITING_VERIFICATION, received_at=timezone.now() - timedelta(days=8)
    )
    make_request(status=Request.Status.AWAITING_VERIFICATION)
    make_request(status=Request.Status.VERIFIED, received_at=timezone.now() - timedelta(days=8))
    assert list(Request.objects.unverified_older_than(7)) == [old]


def test_actionable_never_includes_unverified_requests():
    verified = make_request()
    make_request(status=Request.Status.RECEIVED)
    make_request(status=Request.Status.AWAITING_VERIFICATION)
    make_request(status=Request.Status.EXPIRED)
    assert list(Request.objects.actionable()) == [verified]


def test_the_statuses_staff_cannot_act_on_are_the_unverified_and_the_expired():
    """One list names them for ``actionable()``, ``is_verified`` and the admin list's partial index."""
    from requests.models.request import NOT_ACTIONABLE_STATUSES

    assert set(NOT_ACTIONABLE_STATUSES) == {*Request.UNVERIFIED_STATUSES, Request.Status.EXPIRED}
    assert set(NOT_ACTIONABLE_STATUSES) <= set(Request.Status.values)
    for status in Request.Status.values:
        assert Request(status=status).is_verified is (status not in NOT_ACTIONABLE_STATUSES)


def test_overdue_and_due_within_use_the_extended_date():
    today = date(2025, 6, 15)
    overdue = make_request(received_at=timezone.now(), due_date=date(2025, 6, 1))
    soon = make_request(due_date=date(2025, 6, 20))
    later = make_request(due_date=date(2025, 7, 30))
    extended = make_request(due_date=date(2025, 6, 10), extended_due_date=date(2025, 8, 10))
    make_request(due_date=date(2025, 6, 1), status=Request.Status.AWAITING_VERIFICATION)
    assert list(Request.objects.overdue(today)) == [overdue]
    assert set(Request.objects.due_within(7, today)) == {overdue, soon}
    assert later not in Request.objects.due_within(7, today)
    assert extended not in Request.objects.overdue(today)


def test_a_move_on_a_request_someone_else_just_closed_is_refused_and_changes_nothing(dpo):
    req = make_request(status=Request.Status.IN_PROGRESS)
    seen_by_second = Request.objects.get(pk=req.pk)  # the second staff member's page, read earlier
    req.reject(by=dpo, reason=Request.RejectionReason.OTHER, justification="First decision.")
    mail.outbox.clear()

    with translation.override("en"), pytest.raises(TransitionError) as exc:
        seen_by_second.reject(by=dpo, reason=Request.RejectionReason.EXCESSIVE, justification="Second.")

    assert exc.value.messages == ["This request was rejected by someone else a moment ago."]
    req.refresh_from_db()
    assert req.rejection_justification == "First decision."
    assert req.events.filter(kind=RequestEvent.Kind.REJECTED).count() == 1
    assert mail.outbox == []


def test_a_transition_rereads_the_locked_row_and_keeps_what_others_saved(dpo):
    req = make_request(status=Request.Status.VERIFIED, name="Kund Kundsson")
    stale = Request.objects.get(pk=req.pk)
    Request.objects.filter(pk=req.pk).update(name="Changed meanwhile")

    stale.start(by=dpo)

    req.refresh_from_db()
    assert req.status == Request.Status.IN_PROGRESS and req.name == "Changed meanwhile"


def test_saving_the_request_form_keeps_a_transition_saved_meanwhile(dpo_client, dpo):
    from unittest import mock

    from django.urls import reverse

    from requests.admin import RequestAdmin

    req = make_request(status=Request.Status.IN_PROGRESS, name="Kund Kundsson")
    change = reverse("admin:requests_request_change", args=[req.pk])
    page = dpo_client.get(change).context
    form = page["adminform"].form
    data = {
        name: form[name].value() or "" for name in ("name", "customer_number", "order_number", "language")
    }
    data.update({"name": "Kund K. Kundsson", "customers": ""})
    for inline in page["inline_admin_formsets"]:  # the page's inlines, nothing added
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
        )
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.management_form.initial["INITIAL_FORMS"]
    # The admin reads the request, then someone else rejects it before the admin saves.
    read_before = Request.objects.get(pk=req.pk)
    req.reject(by=dpo, reason=Request.RejectionReason.OTHER, justification="Decided meanwhile.")

    with mock.patch.object(RequestAdmin, "get_object", return_value=read_before):
        response = dpo_client.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    req.refresh_from_db()
    assert req.name == "Kund K. Kundsson"
    assert req.status == Request.Status.REJECTED and req.rejection_justification == "Decided meanwhile."
