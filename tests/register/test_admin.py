"""The register admin: publishing with permission, the Art. 30 record, read-only customer service."""

import csv
import io

import pytest
from django.urls import reverse

from register.models import NoticeVersion
from tests.factories import make_complete_register, make_register

pytestmark = pytest.mark.django_db


def change_url(register):
    return reverse("admin:register_register_change", args=[register.pk])


def test_change_page_lists_what_is_missing_before_publishing(dpo_client):
    register = make_register()
    html = dpo_client.get(change_url(register)).content.decode()
    assert "Before this register can be published" in html
    assert "No controller" in html


def test_change_page_of_complete_register_offers_publishing(dpo_client):
    register = make_complete_register()
    html = dpo_client.get(change_url(register)).content.decode()
    assert "The register is complete and can be published." in html
    assert reverse("admin:register_register_publish", args=[register.pk]) in html


def test_dpo_publishes_from_the_publish_page(dpo_client, dpo):
    register = make_complete_register()
    url = reverse("admin:register_register_publish", args=[register.pk])
    assert "Publishing creates version 1" in dpo_client.get(url).content.decode()
    unconfirmed = dpo_client.post(url)
    assert unconfirmed.status_code == 200 and "nothing was published" in unconfirmed.content.decode()
    assert not NoticeVersion.objects.exists()
    response = dpo_client.post(url, {"confirmed": "on"})
    assert response.status_code == 302
    version = NoticeVersion.objects.get()
    assert (version.number, version.published_by) == (1, dpo)


def test_publishing_incomplete_register_is_refused_with_the_list(dpo_client):
    register = make_register()
    url = reverse("admin:register_register_publish", args=[register.pk])
    response = dpo_client.post(url, follow=True)
    assert "was not published" in response.content.decode()
    assert "No controller" in response.content.decode()
    assert not NoticeVersion.objects.exists()


def test_publish_action_leads_to_the_confirmation_page(dpo_client):
    register = make_complete_register()
    response = dpo_client.post(
        reverse("admin:register_register_changelist"),
        {"action": "publish_selected", "_selected_action": [register.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:register_register_publish", args=[register.pk])
    assert not NoticeVersion.objects.exists()
    response = dpo_client.post(response["Location"], {"confirmed": "on"}, follow=True)
    assert "Published version 1" in response.content.decode()
    assert NoticeVersion.objects.count() == 1


def test_customer_service_cannot_publish(service_client):
    register = make_complete_register()
    url = reverse("admin:register_register_publish", args=[register.pk])
    assert service_client.get(url).status_code == 403
    assert service_client.post(url).status_code == 403
    response = service_client.post(
        reverse("admin:register_register_changelist"),
        {"action": "publish_selected", "_selected_action": [register.pk]},
    )
    assert not NoticeVersion.objects.exists()
    assert response.status_code in (200, 302)
    assert (
        "publish_selected"
        not in service_client.get(reverse("admin:register_register_changelist")).content.decode()
    )


def test_customer_service_sees_the_register_read_only(service_client):
    register = make_complete_register()
    response = service_client.get(change_url(register))
    assert response.status_code == 200
    assert 'name="name_sv"' not in response.content.decode()
    response = service_client.post(change_url(register), {"name_sv": "Ändrat"})
    assert response.status_code == 403
    register.refresh_from_db()
    assert register.name_sv == "Kundregister [sv]"


def test_record_of_processing_page_for_dpo(dpo_client):
    register = make_complete_register()
    html = dpo_client.get(reverse("admin:register_register_record", args=[register.pk])).content.decode()
    assert "Record of processing activities" in html
    assert "Testbutik Oy" in html
    assert "Leverera beställningar" in html
    assert "Posti" in html
    assert "Krypterade förbindelser" in html


def test_record_of_processing_csv_for_dpo(dpo_client):
    register = make_complete_register()
    response = dpo_client.get(reverse("admin:register_register_record_csv", args=[register.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Controller"
    assert len(rows) == 2
    assert "Testbutik Oy" in rows[1][0]
    assert rows[1][3].startswith("Performance of a contract")
    assert "3 years" in rows[1][8]


def test_record_csv_neutralises_spreadsheet_formulas(dpo_client):
    register = make_complete_register()
    register.purposes.update(text_en="=HYPERLINK(1)")
    response = dpo_client.get(reverse("admin:register_register_record_csv", args=[register.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][2] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("name", ["admin:register_register_record", "admin:register_register_record_csv"])
def test_record_of_processing_refused_for_outsider(client, outsider, name):
    register = make_complete_register()
    client.force_login(outsider)
    response = client.get(reverse(name, args=[register.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_record_refused_for_staff_without_register_rights(client, db):
    from tests.conftest import make_staff

    client.force_login(make_staff("nobody", None))
    register = make_complete_register()
    assert client.get(reverse("admin:register_register_record", args=[register.pk])).status_code == 403


def test_published_notices_are_read_only_in_the_admin(dpo_client):
    from register.models import publish

    version = publish(make_complete_register())
    url = reverse("admin:register_noticeversion_change", args=[version.pk])
    response = dpo_client.get(url)
    assert response.status_code == 200
    assert dpo_client.post(url, {"number": 5}).status_code == 403
    assert dpo_client.get(reverse("admin:register_noticeversion_add")).status_code == 403
    assert (
        dpo_client.get(reverse("admin:register_noticeversion_delete", args=[version.pk])).status_code == 403
    )


@pytest.mark.parametrize(
    "model",
    [
        "register",
        "controller",
        "contactperson",
        "purpose",
        "datacategory",
        "source",
        "recipient",
        "cookie",
        "protectionprinciple",
        "retentionrule",
        "rightschannel",
        "bookkeepingperiod",
        "noticeversion",
    ],
)
def test_every_register_admin_page_opens_for_dpo_and_customer_service(
    dpo_client, customer_service, client, model
):
    from django.core.management import call_command

    call_command("load_example_register", "jalonom", verbosity=0)
    url = reverse(f"admin:register_{model}_changelist")
    assert dpo_client.get(url).status_code == 200
    client.force_login(customer_service)
    assert client.get(url).status_code == 200


def test_history_page_lists_changes(dpo_client):
    register = make_complete_register()
    register.name_en = "Renamed register"
    register.save()
    response = dpo_client.get(reverse("admin:register_register_history", args=[register.pk]))
    assert response.status_code == 200
    assert register.history.count() == 2


def test_dpo_edits_a_bookkeeping_period(dpo_client):
    from register.models import BookkeepingPeriod

    period = BookkeepingPeriod.objects.get(country="NO", kind="secondary")
    url = reverse("admin:register_bookkeepingperiod_change", args=[period.pk])
    response = dpo_client.post(
        url,
        {
            "country": "NO",
            "kind": "secondary",
            "years": "4.0",
            "counts_from": "end_of_financial_year",
            "statute": period.statute,
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert str(period.years) == "4.0"


def test_record_page_queries_do_not_grow_with_purposes(dpo_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from register.models import DataCategory, Purpose

    register = make_complete_register()
    url = reverse("admin:register_register_record", args=[register.pk])
    dpo_client.get(url)  # warm the per-process caches (content types, the shop's name)
    with CaptureQueriesContext(connection) as few:
        dpo_client.get(url)
    for n in range(5):
        purpose = Purpose.objects.create(register=register, legal_basis="c", text_en=f"Purpose {n}")
        DataCategory.objects.create(register=register, name_en=f"Category {n}").purposes.set([purpose])
    with CaptureQueriesContext(connection) as many:
        response = dpo_client.get(url)
    assert "Purpose 4" in response.content.decode()
    assert len(many) == len(few)
