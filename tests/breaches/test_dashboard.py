"""Every figure of the dashboard, built from known data; its links, its cache, its queries."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from breaches import dashboard
from breaches.models import Breach
from customers.models import ConsentEvent, ConsentPurpose
from register.models import PurgeRuleResult, PurgeRun, Register
from requests import deadlines
from requests.models import Request
from tests.factories import make_customer, make_published_retention_register, make_register, make_request

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=HELSINKI)
TODAY = date(2026, 6, 15)


def at(y, m, d, h=12):
    return datetime(y, m, d, h, tzinfo=HELSINKI)


@pytest.fixture
def open_requests(dpo, customer_service):
    """Four open requests around the real today (the admin's lists count from it), one unverified."""
    TODAY = deadlines.today()  # noqa: N806
    make_request(kind="access", due_date=TODAY - timedelta(days=2), assignee=dpo)
    make_request(kind="access", due_date=TODAY + timedelta(days=3))
    make_request(kind="erasure", due_date=TODAY + timedelta(days=20), assignee=customer_service)
    # Overdue on its first due date, but extended beyond the week: later.
    make_request(
        kind="erasure", due_date=TODAY - timedelta(days=5), extended_due_date=TODAY + timedelta(days=10)
    )
    # Never verified: staff must not act on it, so it is not counted.
    make_request(
        kind="access", status=Request.Status.AWAITING_VERIFICATION, due_date=TODAY - timedelta(days=9)
    )


@pytest.fixture
def closed_requests():
    def completed(received, done, **extra):
        return make_request(
            status=Request.Status.COMPLETED, received_at=received, completed_at=done, closed_at=done, **extra
        )

    completed(at(2026, 5, 1), at(2026, 5, 11))  # 10 days
    completed(at(2026, 5, 3), at(2026, 5, 23))  # 20 days
    completed(at(2026, 4, 1), at(2026, 5, 5))  # 34 days, due 1 May: late
    completed(  # 45 days, extended to 1 May: in time
        at(2026, 3, 1),
        at(2026, 4, 15),
        extended_due_date=date(2026, 5, 1),
        extended_at=at(2026, 3, 20),
        extension_reason="Many systems",
    )
    completed(at(2024, 1, 1), at(2024, 1, 5))  # outside the 12 months

    def rejected(reason, closed):
        return make_request(
            status=Request.Status.REJECTED,
            rejection_reason=reason,
            rejection_justification="Explained to the customer",
            closed_at=closed,
        )

    rejected(Request.RejectionReason.EXCESSIVE, at(2026, 5, 10))
    rejected(Request.RejectionReason.IDENTITY_NOT_VERIFIED, at(2026, 6, 1))
    rejected(Request.RejectionReason.EXCESSIVE, at(2025, 1, 1))  # outside


@pytest.fixture
def consents():
    def event(customer, action, when, via):
        return ConsentEvent.objects.create(
            customer=customer,
            purpose=ConsentPurpose.objects.get(code="newsletter_email"),
            action=action,
            occurred_at=when,
            via=via,
        )

    granted, withdrawn = ConsentEvent.Action.GRANTED, ConsentEvent.Action.WITHDRAWN
    a, b, c, d, e = (make_customer() for _ in range(5))
    event(a, granted, at(2026, 5, 2), "checkout")
    event(b, granted, at(2026, 5, 3), "checkout")
    event(b, withdrawn, at(2026, 6, 1), "unsubscribe")
    event(c, granted, at(2026, 4, 10), "web_form")
    event(c, withdrawn, at(2026, 6, 2), "request")
    event(d, granted, at(2026, 6, 3), "web_form")
    d.restrict("Disputed")
    event(e, withdrawn, at(2026, 6, 4), "phone")
    event(e, granted, at(2024, 6, 4), "phone")  # outside the 12 months


def test_open_requests_by_deadline_kind_and_holder(open_requests, dpo, customer_service):
    data = dashboard.open_requests(deadlines.today())
    assert data["bands"] == {"overdue": 1, "week": 1, "later": 2}
    assert data["total"] == 4
    assert [(k["kind"], k["overdue"], k["week"], k["later"]) for k in data["kinds"]] == [
        ("access", 1, 1, 0),
        ("erasure", 0, 0, 2),
    ]
    assert [(h["name"], h["count"]) for h in data["holders"]] == [(None, 2), ("dpo", 1), ("service", 1)]


def test_response_times_per_month_against_the_one_month_limit(closed_requests):
    data = dashboard.response_times(TODAY)
    months = {row["month"]: row for row in data["months"]}
    assert len(months) == 12 and min(months) == date(2025, 7, 1) and max(months) == date(2026, 6, 1)
    may, april, march = months[date(2026, 5, 1)], months[date(2026, 4, 1)], months[date(2026, 3, 1)]
    assert (may["completed"], may["median"], may["p90"], may["late"]) == (3, 20, 34, 1)
    assert (april["completed"], april["median"], april["p90"], april["late"]) == (1, 45, 45, 0)
    assert march["extended"] == 1 and data["extensions"] == 1
    assert sum(row["completed"] for row in data["months"]) == 4
    assert [(r["reason"], r["count"]) for r in data["rejections"]] == [
        ("excessive", 1),
        ("identity_not_verified", 1),
    ]


def test_consent_marketable_now_and_grants_and_withdrawals_per_month(consents):
    data = dashboard.consents(TODAY)
    by_code = {p["code"]: p for p in data["purposes"]}
    newsletter = by_code["newsletter_email"]
    assert newsletter["marketable"] == 1  # b and c withdrew, d is restricted
    months = {row["month"]: row for row in newsletter["months"]}
    assert months[date(2026, 4, 1)]["granted"] == 1
    assert months[date(2026, 5, 1)]["granted"] == 2 and months[date(2026, 5, 1)]["withdrawn"] == 0
    june = months[date(2026, 6, 1)]
    assert (june["granted"], june["withdrawn"]) == (1, 3)
    assert (june["unsubscribe"], june["request"], june["staff"], june["other"]) == (1, 1, 0, 1)
    assert (newsletter["granted"], newsletter["withdrawn"]) == (4, 3)
    others = [p for code, p in by_code.items() if code != "newsletter_email"]
    assert others and all(p["marketable"] == 0 and p["granted"] == 0 for p in others)


def test_retention_prediction_last_run_and_the_48_hour_warning():
    data = dashboard.retention(NOW)
    assert data["warning"] and data["prediction"] is None and data["last"] is None
    failed = PurgeRun.objects.create(started_at=NOW - timedelta(hours=5), status=PurgeRun.Status.FAILED)
    old = PurgeRun.objects.create(started_at=NOW - timedelta(hours=49), status=PurgeRun.Status.SUCCEEDED)
    dry = PurgeRun.objects.create(
        started_at=NOW - timedelta(hours=1), status=PurgeRun.Status.SUCCEEDED, dry_run=True
    )
    PurgeRuleResult.objects.create(run=dry, rule="customer_inactive", total=7, status="done")
    PurgeRuleResult.objects.create(run=dry, rule="unverified_request", total=2, status="done")
    data = dashboard.retention(NOW)
    assert data["warning"]  # the only success is 49 hours old, the latest run failed
    assert data["last"]["id"] == failed.pk and data["last"]["status"] == "failed"
    assert data["prediction"]["id"] == dry.pk
    assert [(r["rule"], r["total"]) for r in data["rules"]] == [
        ("customer_inactive", 7),
        ("unverified_request", 2),
    ]
    old.started_at = NOW - timedelta(hours=47)
    old.save()
    assert not dashboard.retention(NOW)["warning"]


def test_register_health_published_version_changes_and_refusals():
    assert dashboard.register_health()["version"] is None
    register = make_published_retention_register()
    health = dashboard.register_health()
    assert health["version"]["number"] == 1
    assert not health["changed"] and health["gaps"] == []
    Register.objects.filter(pk=register.pk).update(intro_fi="Muutettu")
    register = Register.objects.get(pk=register.pk)
    assert dashboard.register_health()["changed"]


def test_register_health_lists_what_publishing_would_refuse():
    register = make_register()
    expected = register.publication_check().as_list()
    health = dashboard.register_health()
    assert expected and [gap["text"] for gap in health["gaps"]] == expected
    assert health["changed"]  # nothing published yet


def render_index(client) -> str:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def number(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[html.index(">", start) + 1 : html.index("<", start)]


def test_the_dpo_sees_every_section_and_each_figure_links_to_its_list(
    dpo_client, open_requests, closed_requests, consents
):
    Breach.objects.create(title="Stolen laptop", aware_at=timezone.now() - timedelta(hours=80))
    html = render_index(dpo_client)
    for section in (
        "kr-breaches",
        "kr-requests",
        "kr-times",
        "kr-consents",
        "kr-retention",
        "kr-register",
        "kr-audit",
    ):
        assert f'id="{section}"' in html
    assert "Overdue by 8 h" in html and "kr-overdue" in html
    assert "No purge run has succeeded in the last 48 hours." in html
    context = dashboard.context_for(_request(dpo_client))
    # The list behind each number holds that many requests.
    requests = context["data"]["requests"]
    for band in ("overdue", "week", "later"):
        assert number(html, f"kr-{band}") == str(requests["bands"][band])
        assert listed(dpo_client, context["links"][band]) == requests["bands"][band]
    for row in requests["kinds"]:
        for band in ("overdue", "week", "later"):
            assert listed(dpo_client, row[f"{band}_url"]) == row[band]
    for holder in requests["holders"]:
        assert listed(dpo_client, holder["url"]) == holder["count"]
    for row in context["data"]["times"]["rejections"]:
        assert listed(dpo_client, row["url"]) >= row["count"]  # the list is not limited to 12 months
    for row in context["data"]["times"]["months"]:
        assert listed(dpo_client, row["url"]) == row["completed"], row["month"]
    newsletter = next(p for p in context["data"]["consents"]["purposes"] if p["code"] == "newsletter_email")
    assert listed(dpo_client, newsletter["withdrawn_url"]) == 3
    assert listed(dpo_client, newsletter["customers_url"]) == newsletter["marketable"] == 1
    # Every chart has its numbers in a table.
    assert html.count('<svg class="kr-chart"') == 1 + ConsentPurpose.objects.count()
    assert 'data-month="2026-05"' in html or "data-month" in html


def _request(client):
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return request


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "e=1" not in response.get("Location", ""), url
    changelist = response.context["cl"]
    assert not changelist.has_filters or "?e=1" not in url
    return changelist.result_count


def test_customer_service_sees_the_requests_only(service_client, open_requests):
    html = render_index(service_client)
    assert 'id="kr-requests"' in html and 'id="kr-times"' in html
    for section in ("kr-breaches", "kr-consents", "kr-retention", "kr-register", "kr-audit"):
        assert f'id="{section}"' not in html
    assert number(html, "kr-overdue") == "1"


def test_figures_are_cached_with_their_age_shown(dpo_client, open_requests):
    request = _request(dpo_client)
    first = dashboard.context_for(request)
    assert first["age_minutes"] == 0
    make_request(kind="access", due_date=deadlines.today() - timedelta(days=1))
    later = dashboard.context_for(request, now=timezone.now() + timedelta(minutes=3))
    assert later["age_minutes"] == 3
    assert (
        later["data"]["requests"]["bands"] == first["data"]["requests"]["bands"]
    )  # still the cached figures
    cache.clear()
    assert (
        dashboard.context_for(request)["data"]["requests"]["bands"]["overdue"]
        == first["data"]["requests"]["bands"]["overdue"] + 1
    )


def test_queries_do_not_grow_with_the_data(dpo_client, open_requests, closed_requests, consents):
    render_index(dpo_client)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        render_index(dpo_client)
    for _ in range(20):
        make_request(kind="portability", due_date=TODAY + timedelta(days=40))
        make_consent_pair()
    Breach.objects.create(title="Another", aware_at=timezone.now())
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        render_index(dpo_client)
    assert len(large) <= len(small) + 1  # the new kind of request adds no query; a breach row at most one
    with CaptureQueriesContext(connection) as cached:
        render_index(dpo_client)
    assert len(cached) < len(large)


def make_consent_pair():
    customer = make_customer()
    customer.grant_consent("newsletter_email", via="checkout")
    customer.withdraw_consent("newsletter_email", via="unsubscribe")


def test_stale_figures_are_shown_while_the_task_queue_refreshes_them(
    dpo_client, open_requests, monkeypatch, django_capture_on_commit_callbacks
):
    request = _request(dpo_client)
    first = dashboard.context_for(request)["data"]["requests"]["bands"]["overdue"]
    make_request(kind="access", due_date=deadlines.today() - timedelta(days=1))
    real_now = timezone.now
    monkeypatch.setattr(dashboard.timezone, "now", lambda: real_now() + timedelta(minutes=6))
    # This view shows the old figures (with their age) and queues a refresh; the test backend runs
    # it at once, so the next view shows the new count.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stale = dashboard.context_for(request)
    assert len(callbacks) == 1
    assert stale["data"]["requests"]["bands"]["overdue"] == first
    assert stale["age_minutes"] >= 5
    assert dashboard.context_for(request)["data"]["requests"]["bands"]["overdue"] == first + 1


def test_open_breaches_come_most_urgent_first_and_the_rest_are_counted(dpo_client, monkeypatch):
    from breaches import dashboard

    monkeypatch.setattr(dashboard, "OPEN_BREACHES_SHOWN", 3)
    now = timezone.now()
    overdue = Breach.objects.create(title="Overdue", aware_at=now - timedelta(hours=100))
    running = Breach.objects.create(title="Clock running", aware_at=now - timedelta(hours=10))
    told = Breach.objects.create(title="Authority told", aware_at=now - timedelta(hours=5))
    told.record_notification(stage="initial", notified_at=now - timedelta(hours=1))
    for hours in (1, 2):
        Breach.objects.create(title=f"No risk {hours}", aware_at=now - timedelta(hours=hours), risk="no_risk")

    rows = dashboard.open_breaches(now)

    # The clocks still running first, the earliest deadline first; then the newest of the rest.
    assert [row["breach"] for row in rows] == [overdue, running, Breach.objects.get(title="No risk 1")]
    assert told not in [row["breach"] for row in rows]
    html = render_index(dpo_client)
    assert "And 2 more open breaches, in the breach register." in html
    assert html.index("Overdue") < html.index("Clock running")
