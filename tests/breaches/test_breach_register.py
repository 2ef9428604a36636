"""The breach register: the 72-hour clock, staged notification, no delete, history, reminders."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from breaches.clock import clock_html
from breaches.models import Breach, BreachNotification, BreachReminder, NeverDeleted
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def make_breach(**fields) -> Breach:
    defaults = {
        "title": "Order export on a public server",
        "aware_at": timezone.now(),
        "risk": Breach.Risk.RISK,
    }
    defaults.update(fields)
    return Breach.objects.create(**defaults)


def test_clock_counts_72_elapsed_hours_across_the_spring_dst_change(settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    # Aware on Saturday 28 March 2026 at 10:00 EET; clocks go forward on Sunday at 03:00.
    breach = make_breach(aware_at=datetime(2026, 3, 28, 10, 0, tzinfo=HELSINKI))
    deadline = breach.deadline.astimezone(HELSINKI)
    assert (deadline.year, deadline.month, deadline.day, deadline.hour) == (2026, 3, 31, 11)
    assert deadline.utcoffset() == timedelta(hours=3)
    assert breach.deadline - breach.aware_at == timedelta(hours=72)
    # At 10:30 local time on Tuesday, half an hour is left, not a negative half hour.
    assert breach.hours_left(datetime(2026, 3, 31, 10, 30, tzinfo=HELSINKI)) == pytest.approx(0.5)
    assert breach.hours_left(datetime(2026, 3, 31, 11, 30, tzinfo=HELSINKI)) == pytest.approx(-0.5)


def test_clock_counts_72_elapsed_hours_across_the_autumn_dst_change():
    breach = make_breach(aware_at=datetime(2026, 10, 24, 12, 0, tzinfo=HELSINKI))
    deadline = breach.deadline.astimezone(HELSINKI)
    assert (deadline.day, deadline.hour, deadline.utcoffset()) == (27, 11, timedelta(hours=2))


def test_clock_shows_hours_left_and_overdue_in_red():
    now = timezone.now()
    soon = make_breach(aware_at=now - timedelta(hours=60))
    late = make_breach(aware_at=now - timedelta(hours=80))
    assert "12 h left" in clock_html(soon, now)
    assert 'class="kr-overdue"' in clock_html(late, now) and "Overdue by 8 h" in clock_html(late, now)


def test_clock_stops_when_the_authority_is_notified_or_no_risk():
    breach = make_breach()
    breach.record_notification(stage="initial", notified_at=timezone.now(), reference="1/2026")
    assert not breach.clock_running
    assert not make_breach(risk=Breach.Risk.NO_RISK, risk_reasoning="Encrypted disk").clock_running


def test_notification_after_72_hours_needs_reasons_for_the_delay():
    aware = timezone.now() - timedelta(hours=100)
    breach = make_breach(aware_at=aware)
    with pytest.raises(ValidationError) as error:
        breach.record_notification(stage="initial", notified_at=aware + timedelta(hours=73))
    assert "delay_reasons" in error.value.message_dict
    assert not breach.notifications.exists()
    breach.record_notification(
        stage="initial", notified_at=aware + timedelta(hours=73), delay_reasons="The extent was unclear."
    )
    assert breach.authority_notified_at == aware + timedelta(hours=73)


def test_notification_within_72_hours_needs_no_reasons():
    aware = timezone.now() - timedelta(hours=10)
    breach = make_breach(aware_at=aware)
    breach.record_notification(stage="initial", notified_at=aware + timedelta(hours=71, minutes=59))
    assert breach.notifications.count() == 1


def test_notification_in_stages_initial_then_supplementary(dpo):
    aware = timezone.now() - timedelta(hours=48)
    breach = make_breach(aware_at=aware)
    with pytest.raises(ValidationError, match="initial notification first"):
        breach.record_notification(stage="supplementary", notified_at=aware + timedelta(hours=30))
    breach.record_notification(
        stage="initial", notified_at=aware + timedelta(hours=20), reference="TSV/42", by=dpo
    )
    breach.record_notification(
        stage="supplementary", notified_at=aware + timedelta(hours=40), summary="Number of people now known."
    )
    with pytest.raises(ValidationError, match="already recorded"):
        breach.record_notification(stage="initial", notified_at=aware + timedelta(hours=41))
    stages = list(breach.notifications.values_list("stage", "reference", "recorded_by"))
    assert stages == [("initial", "TSV/42", dpo.pk), ("supplementary", "", None)]
    assert breach.authority_notified_at == aware + timedelta(hours=20)
    # A recorded stage is not changed: a correction is a further stage.
    with pytest.raises(ValidationError):
        breach.notifications.first().save()


def test_breach_is_never_deleted_not_by_code_nor_the_admin_of_a_superuser(client, django_user_model):
    breach = make_breach()
    breach.record_notification(stage="initial", notified_at=timezone.now())
    with pytest.raises(NeverDeleted):
        breach.delete()
    with pytest.raises(NeverDeleted):
        Breach.objects.all().delete()
    with pytest.raises(NeverDeleted):
        BreachNotification.objects.all().delete()
    root = django_user_model.objects.create_superuser("root", "root@shop.example", "x")
    login_with_second_factor(client, root)
    response = client.post(reverse("admin:breaches_breach_delete", args=[breach.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:breaches_breach_changelist"),
        {"action": "delete_selected", "_selected_action": [breach.pk], "post": "yes"},
    )
    assert Breach.objects.filter(pk=breach.pk).exists()


def change_form_data(client, breach: Breach, notifications: list[dict] = (), **changes) -> dict:
    """The breach's change form as the admin shows it, with ``changes`` and new notification stages."""
    page = client.get(reverse("admin:breaches_breach_change", args=[breach.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    for name in ("occurred_from", "occurred_to", "subjects_notified_at", "closed_at", "aware_at"):
        data.pop(name, None)
    aware = timezone.localtime(breach.aware_at)
    data.update(aware_at_0=aware.strftime("%Y-%m-%d"), aware_at_1=aware.strftime("%H:%M:%S"))
    data.update(
        {
            "notifications-TOTAL_FORMS": str(len(notifications)),
            "notifications-INITIAL_FORMS": "0",
            "notifications-MIN_NUM_FORMS": "0",
            "notifications-MAX_NUM_FORMS": "1000",
        }
    )
    for n, stage in enumerate(notifications):
        at = timezone.localtime(stage.pop("notified_at"))
        data[f"notifications-{n}-notified_at_0"] = at.strftime("%Y-%m-%d")
        data[f"notifications-{n}-notified_at_1"] = at.strftime("%H:%M:%S")
        data.update({f"notifications-{n}-{key}": value for key, value in stage.items()})
    data.update(changes)
    return data


def test_every_change_is_kept_in_history(dpo_client):
    breach = make_breach()
    url = reverse("admin:breaches_breach_change", args=[breach.pk])
    data = change_form_data(
        dpo_client, breach, risk=Breach.Risk.HIGH_RISK, risk_reasoning="Identity numbers were exposed."
    )
    response = dpo_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    breach.refresh_from_db()
    assert breach.risk == Breach.Risk.HIGH_RISK
    assert list(breach.history.order_by("history_id").values_list("risk", flat=True)) == ["risk", "high_risk"]


def test_admin_refuses_a_late_initial_notification_without_reasons_then_records_it(dpo_client, dpo):
    breach = make_breach(aware_at=timezone.now() - timedelta(hours=90))
    url = reverse("admin:breaches_breach_change", args=[breach.pk])
    stage = {"stage": "initial", "notified_at": timezone.now() - timedelta(hours=1), "reference": "TSV/9"}
    response = dpo_client.post(url, change_form_data(dpo_client, breach, [dict(stage)]))
    assert response.status_code == 200
    assert "reasons for the delay" in response.content.decode()
    assert not breach.notifications.exists()
    late = {**stage, "delay_reasons": "The server logs were only available on day four."}
    response = dpo_client.post(url, change_form_data(dpo_client, breach, [late]))
    assert response.status_code == 302
    recorded = breach.notifications.get()
    assert (recorded.stage, recorded.reference, recorded.recorded_by) == ("initial", "TSV/9", dpo)
    assert "Authority notified" in dpo_client.get(url).content.decode()


def test_reminder_command_reminds_the_dpo_once_a_day_of_a_breach_near_its_deadline(dpo):
    now = timezone.now()
    near = make_breach(aware_at=now - timedelta(hours=50), title="Near")
    make_breach(aware_at=now - timedelta(hours=10), title="Far")  # 62 hours left: not yet
    notified = make_breach(aware_at=now - timedelta(hours=60), title="Notified")
    notified.record_notification(stage="initial", notified_at=now)
    call_command("remind_deadlines", verbosity=0)
    call_command("remind_deadlines", verbosity=0)
    sent = [m for m in mail.outbox if "Breach" in m.subject]
    assert len(sent) == 1
    assert sent[0].to == [dpo.email]
    assert near.number in sent[0].subject and "21 hours left" in sent[0].subject
    assert list(BreachReminder.objects.values_list("breach", flat=True)) == [near.pk]
