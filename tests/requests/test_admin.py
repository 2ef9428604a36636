"""The staff workflow in the admin: list, filters, actions, buttons, and who may not use them."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from requests import deadlines
from requests.models import InternalNote, Request, RequestEvent
from tests.factories import make_customer, make_matched_request, make_request

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:requests_request_changelist"


def changelist(client, **params):
    return client.get(reverse(CHANGELIST), params)


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def management_forms(req: Request, notes: int) -> dict:
    data = {"notes-TOTAL_FORMS": str(notes), "notes-INITIAL_FORMS": "0"}
    for prefix, count in (("events", req.events.count()), ("messages", req.messages.count())):
        data[f"{prefix}-TOTAL_FORMS"] = str(count)
        data[f"{prefix}-INITIAL_FORMS"] = str(count)
    return data


def due_in(days: int) -> date:
    return deadlines.today() + timedelta(days=days)


def test_list_hides_unverified_requests_by_default(dpo_client):
    verified = make_request()
    unverified = make_request(status=Request.Status.AWAITING_VERIFICATION)
    response = changelist(dpo_client)
    assert response.status_code == 200
    assert listed(response) == {verified.pk}
    assert listed(changelist(dpo_client, status="all")) == {verified.pk, unverified.pk}
    assert listed(changelist(dpo_client, status="awaiting_verification")) == {unverified.pk}


def test_days_left_is_coloured_for_due_soon_and_overdue(dpo_client):
    make_request(due_date=due_in(-3))
    make_request(due_date=due_in(5))
    make_request(due_date=due_in(20))
    content = changelist(dpo_client).content.decode()
    assert '<strong class="attention-now">3 days overdue' in content
    assert '<strong class="attention-soon">5 days' in content
    assert "20 days" in content


def test_deadline_and_assignee_filters(dpo_client, dpo, customer_service):
    overdue = make_request(due_date=due_in(-1), assignee=dpo)
    soon = make_request(due_date=due_in(6))
    later = make_request(due_date=due_in(25), assignee=customer_service)
    assert listed(changelist(dpo_client, deadline="overdue")) == {overdue.pk}
    assert listed(changelist(dpo_client, deadline="soon")) == {overdue.pk, soon.pk}
    assert listed(changelist(dpo_client, assigned="me")) == {overdue.pk}
    assert listed(changelist(dpo_client, assigned="nobody")) == {soon.pk}
    assert listed(changelist(dpo_client, kind="access")) == {overdue.pk, soon.pk, later.pk}


def test_search_by_number_and_email(dpo_client):
    req = make_request(email="Hanna@Example.org")
    other = make_request(email="other@example.org")
    assert listed(changelist(dpo_client, q=f"R-{req.pk}")) == {req.pk}
    assert listed(changelist(dpo_client, q="hanna@example.org")) == {req.pk}
    assert other.pk not in listed(changelist(dpo_client, q="hanna@example.org"))


def test_changelist_queries_do_not_grow_with_rows(dpo_client, dpo, django_assert_max_num_queries):
    for _ in range(3):
        make_request(assignee=dpo)
    changelist(dpo_client)
    for _ in range(20):
        make_request(assignee=dpo)
    with django_assert_max_num_queries(12):
        assert changelist(dpo_client).status_code == 200


def test_assign_to_me_and_start_actions(service_client, customer_service):
    first = make_request()
    second = make_request(status=Request.Status.COMPLETED)
    response = service_client.post(
        reverse(CHANGELIST),
        {"action": "assign_to_me", "_selected_action": [first.pk, second.pk], "status": "all"},
        follow=True,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee == customer_service
    assert second.assignee is None
    assert first.events.filter(kind=RequestEvent.Kind.ASSIGNED, actor=customer_service).exists()

    service_client.post(reverse(CHANGELIST), {"action": "start_processing", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == Request.Status.IN_PROGRESS


def test_change_page_shows_events_correspondence_and_notes_apart(dpo_client, dpo):
    req = make_request()
    req.add_note("Called the customer back", author=dpo)
    req.start(by=dpo)
    response = dpo_client.get(reverse("admin:requests_request_change", args=[req.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "events (audit trail)" in content.lower() or "Events (audit trail)" in content
    assert "correspondence with the customer" in content.lower()
    assert "Called the customer back" in content
    assert "Mark completed" in content


def test_buttons_complete_a_request(dpo_client, dpo):
    req = make_matched_request([])  # an access request about nobody in the register
    act = lambda action: reverse("admin:requests_request_act", args=[req.pk, action])  # noqa: E731
    assert dpo_client.get(act("start")).status_code == 405
    dpo_client.post(act("start"))
    dpo_client.post(act("confirm_no_data"))
    dpo_client.post(act("complete"))
    req.refresh_from_db()
    assert req.status == Request.Status.COMPLETED
    assert req.assignee == dpo
    # A second completion is refused with a message, not a crash.
    response = dpo_client.post(act("complete"), follow=True)
    assert "cannot become" in response.content.decode()


def test_extend_form_records_extension_and_mails_customer(dpo_client, dpo):
    req = make_request(language="nb")
    response = dpo_client.post(
        reverse("admin:requests_request_extend", args=[req.pk]), {"months": "2", "reason": "Omfattende"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.extended_due_date == deadlines.add_months(req.due_date, 2)
    assert req.messages.get().language == "nb"
    assert mail.outbox[0].to == [req.email]


def test_extend_form_refuses_third_month(dpo_client):
    req = make_request()
    response = dpo_client.post(
        reverse("admin:requests_request_extend", args=[req.pk]), {"months": "3", "reason": "x"}
    )
    assert response.status_code == 200
    req.refresh_from_db()
    assert req.extended_due_date is None


def test_reject_form_needs_justification(dpo_client):
    req = make_request()
    url = reverse("admin:requests_request_reject", args=[req.pk])
    assert dpo_client.post(url, {"reason": "excessive", "justification": ""}).status_code == 200
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED
    assert dpo_client.post(url, {"reason": "excessive", "justification": "Tenth copy"}).status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.REJECTED
    assert req.rejection_justification == "Tenth copy"
    assert len(mail.outbox) == 1


def test_reply_from_template_is_sent_and_stored(dpo_client, dpo):
    req = make_request(language="sv")
    response = dpo_client.post(
        reverse("admin:requests_request_reply", args=[req.pk]),
        {"template": "identity_request", "text": "Skicka en kopia av ett signerat brev."},
    )
    assert response.status_code == 302
    message = req.messages.get()
    assert message.sent_by == dpo and message.template == "identity_request" and message.language == "sv"
    assert "Skicka en kopia" in mail.outbox[0].body
    assert req.events.filter(kind=RequestEvent.Kind.MESSAGE_SENT, actor=dpo).exists()


def test_staff_register_letter_request_verified_by_signed_document(dpo_client, dpo):
    response = dpo_client.post(
        reverse("admin:requests_request_add"),
        {
            "kind": "erasure",
            "received_via": "letter",
            "received_at_0": "2025-01-31",
            "received_at_1": "10:00:00",
            "language": "fi",
            "email": "",
            "name": "Matti Meikäläinen",
            "message": "Poistakaa tietoni",
            "withdrawal_purposes": "[]",
            "verification_method": "signed_document",
            "verification_note": "Signed letter with copy of ID, checked and returned",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    req = Request.objects.get()
    assert req.status == Request.Status.VERIFIED
    assert req.verification_method == "signed_document"
    assert req.verified_by == dpo
    assert req.due_date == date(2025, 2, 28)
    assert req.events.filter(kind=RequestEvent.Kind.CREATED, actor=dpo).exists()


def test_staff_register_visit_request_needs_note_for_signed_document(dpo_client):
    response = dpo_client.post(
        reverse("admin:requests_request_add"),
        {
            "kind": "access",
            "received_via": "visit",
            "received_at_0": "2025-03-01",
            "received_at_1": "10:00:00",
            "language": "sv",
            "withdrawal_purposes": "[]",
            "verification_method": "signed_document",
        },
    )
    assert response.status_code == 200
    assert not Request.objects.exists()


def test_changing_the_customer_match_confirms_it(dpo_client, dpo):
    customer = make_customer(email="x@example.org")
    req = make_request(email="x@example.org")
    req.propose_match()
    assert list(req.customers.all()) == [customer]
    other = make_customer()
    response = dpo_client.post(
        reverse("admin:requests_request_act", args=[req.pk, "confirm_match"]),
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.match_confirmed_by == dpo
    # A different customer is chosen on the match page, from search results (never a typed id).
    match = reverse("admin:requests_request_match", args=[req.pk])
    found = dpo_client.post(match, {"customer_number": other.customer_number})
    assert [c.pk for c in found.context["results"]] == [other.pk]
    response = dpo_client.post(match, {"confirm": "1", "customers": [other.pk]})
    assert response.status_code == 302
    req.refresh_from_db()
    assert list(req.customers.all()) == [other]
    assert req.events.filter(kind=RequestEvent.Kind.MATCH_CONFIRMED).count() == 2


def test_internal_note_is_added_with_author(dpo_client, dpo):
    req = make_request()
    data = {
        "name": req.name,
        "customer_number": "",
        "order_number": "",
        "language": "sv",
        **management_forms(req, notes=1),
        "notes-0-text": "Internal only",
    }
    assert dpo_client.post(reverse("admin:requests_request_change", args=[req.pk]), data).status_code == 302
    note = InternalNote.objects.get()
    assert note.author == dpo and note.request == req
    assert not mail.outbox


def test_outsider_cannot_use_the_request_admin(client, outsider):
    req = make_request()
    client.force_login(outsider)
    for url in (
        reverse(CHANGELIST),
        reverse("admin:requests_request_change", args=[req.pk]),
        reverse("admin:requests_request_extend", args=[req.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(reverse("admin:requests_request_act", args=[req.pk, "start"]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED


def test_staff_without_request_permissions_is_refused(client, django_user_model):
    staff = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(staff)
    req = make_request()
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.post(reverse("admin:requests_request_act", args=[req.pk, "start"])).status_code == 403
    assert client.post(reverse("admin:requests_request_reject", args=[req.pk])).status_code == 403
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED


def test_nobody_deletes_requests_in_the_admin(dpo_client):
    req = make_request()
    assert dpo_client.get(reverse("admin:requests_request_delete", args=[req.pk])).status_code == 403


def test_incoming_message_is_stored_as_correspondence(service_client, customer_service):
    req = make_request()
    response = service_client.post(
        reverse("admin:requests_request_incoming", args=[req.pk]),
        {"subject": "Re: identity", "body": "Here is my signed letter <b>ok</b>"},
    )
    assert response.status_code == 302
    message = req.messages.get()
    assert message.direction == "in" and message.sent_by == customer_service
    assert req.events.filter(kind=RequestEvent.Kind.MESSAGE_RECEIVED).exists()
    page = service_client.get(reverse("admin:requests_request_change", args=[req.pk])).content.decode()
    assert "&lt;b&gt;ok&lt;/b&gt;" in page


def test_staff_verifies_a_phone_request_by_visit(service_client, customer_service):
    req = make_request(status=Request.Status.RECEIVED, received_via="phone", email="")
    url = reverse("admin:requests_request_verify", args=[req.pk])
    assert service_client.get(url).status_code == 200
    response = service_client.post(url, {"method": "personal_visit", "note": "Driving licence seen"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED
    assert req.verified_by == customer_service
    assert req.verification_method == "personal_visit"


def test_staff_can_email_a_verification_link_to_a_received_request(dpo_client):
    req = make_request(status=Request.Status.RECEIVED, received_via="email", language="nb")
    response = dpo_client.post(reverse("admin:requests_request_act", args=[req.pk, "send_verification"]))
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.AWAITING_VERIFICATION
    assert "/nb/requests/verify/" in mail.outbox[0].body
    assert not req.messages.exists()


def test_the_list_reads_only_the_columns_it_shows_and_actions_get_whole_requests(dpo_client, dpo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for days in (-3, 5, 20):
        make_request(due_date=due_in(days), message="Please send everything you hold about me.")
    make_request(due_date=due_in(8), assignee=dpo)
    with CaptureQueriesContext(connection) as captured:
        response = changelist(dpo_client)
    rows = [
        q["sql"]
        for q in captured.captured_queries
        if "ORDER BY" in q["sql"] and "requests_request" in q["sql"]
    ]
    assert len(rows) == 1
    assert '"requests_request"."message"' not in rows[0] and '"auth_user"."password"' not in rows[0]
    content = response.content.decode()
    assert '<strong class="attention-now">3 days overdue' in content
    assert f'<td class="field-assignee nowrap">{dpo.username}</td>' in content
    # An action still works on whole requests.
    pks = [str(pk) for pk in Request.objects.values_list("pk", flat=True)]
    dpo_client.post(reverse(CHANGELIST), {"action": "assign_to_me", "_selected_action": pks})
    assert set(Request.objects.values_list("assignee", flat=True)) == {dpo.pk}
    assert Request.objects.filter(message__startswith="Please send").count() == 3
