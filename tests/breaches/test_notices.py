"""Art. 34 notices to customers, and the breach in the shape of each authority's form."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from breaches import notices
from breaches.authorities import FORM_LANGUAGE, LABELS, authority_form
from breaches.models import Breach, BreachNotice
from register.models import OutboxMessage
from tests.factories import make_customer, make_order
from tests.test_page_language import english_in, visible_text

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
TEXTS = {
    "notice_sv": "Obehöriga kan ha sett din leveransadress.",
    "notice_fi": "Ulkopuoliset ovat voineet nähdä toimitusosoitteesi.",
    "notice_nb": "Uvedkommende kan ha sett leveringsadressen din.",
    "notice_en": "Outsiders may have seen your delivery address.",
}


@pytest.fixture
def breach():
    return Breach.objects.create(
        title="Order list exposed",
        aware_at=timezone.now(),
        risk=Breach.Risk.HIGH_RISK,
        dpo_contact="dpo@shop.example",
        **TEXTS,
    )


@pytest.fixture
def shoppers():
    """Three customers with an order in March 2026 (sv, fi, nb) and one with an order in May (en)."""
    march = [make_customer(language=code) for code in ("sv", "fi", "nb")]
    for customer in march:
        make_order(customer, placed_at=datetime(2026, 3, 15, 12, tzinfo=HELSINKI))
    may = make_customer(language="en")
    make_order(may, placed_at=datetime(2026, 5, 2, 12, tzinfo=HELSINKI))
    return march, may


def test_customers_are_selected_by_orders_in_a_date_range(shoppers):
    march, may = shoppers
    from datetime import date

    selected = notices.select_customers(ordered_from=date(2026, 3, 1), ordered_to=date(2026, 3, 31))
    assert set(selected) == set(march)
    # The last day counts whole, in the shop's time zone.
    assert set(notices.select_customers(ordered_from=date(2026, 5, 2), ordered_to=date(2026, 5, 2))) == {may}


def test_customers_are_selected_by_a_list_of_customer_numbers(shoppers):
    march, may = shoppers
    text = f"{march[0].customer_number}\n{may.customer_number}, NO-SUCH-NUMBER\n{march[0].customer_number}"
    assert notices.parse_customer_numbers(text) == [
        march[0].customer_number,
        may.customer_number,
        "NO-SUCH-NUMBER",
    ]
    assert set(notices.select_customers(numbers=notices.parse_customer_numbers(text))) == {march[0], may}


def test_preview_shows_the_notice_in_each_customers_language(breach, shoppers):
    march, may = shoppers
    previews = {p["language"]: p for p in notices.preview(breach, _all(march, may))}
    assert set(previews) == {"sv", "fi", "nb", "en"}
    assert previews["fi"]["total"] == 1 and previews["fi"]["told"] == 0
    assert TEXTS["notice_fi"] in previews["fi"]["body"]
    assert "Hei" in previews["fi"]["body"]  # the fixed parts are Finnish too
    assert TEXTS["notice_sv"] in previews["sv"]["body"] and "Hej" in previews["sv"]["body"]


def _all(march, may):
    from customers.models import Customer

    return Customer.objects.filter(pk__in=[c.pk for c in [*march, may]])


def test_sending_queues_one_email_per_customer_in_their_language_and_never_twice(breach, shoppers, dpo):
    march, may = shoppers
    customers = _all(march, may)
    assert notices.send_notices(breach, customers, by=dpo) == 4
    assert len(mail.outbox) == 4
    by_address = {m.to[0]: m for m in mail.outbox}
    assert TEXTS["notice_nb"] in by_address[march[2].email].body
    assert TEXTS["notice_en"] in by_address[may.email].body
    assert set(BreachNotice.objects.values_list("customer", "language")) == {
        (c.pk, c.language) for c in [*march, may]
    }
    assert OutboxMessage.objects.filter(reference=f"breaches.breach:{breach.pk}").count() == 4
    breach.refresh_from_db()
    first = breach.subjects_notified_at
    assert first is not None
    # Again: nobody is told twice, and the first date stays.
    assert notices.send_notices(breach, customers, by=dpo) == 0
    assert len(mail.outbox) == 4
    breach.refresh_from_db()
    assert breach.subjects_notified_at == first


def test_sending_is_refused_while_a_language_of_the_selection_has_no_text(breach, shoppers):
    march, may = shoppers
    breach.notice_nb = ""
    breach.save()
    with pytest.raises(notices.NoticeTextMissing, match="nb"):
        notices.send_notices(breach, _all(march, may))
    assert not BreachNotice.objects.exists() and not mail.outbox


def test_admin_previews_then_sends_to_an_uploaded_list(dpo_client, breach, shoppers):
    march, _may = shoppers
    url = reverse("admin:breaches_breach_notify", args=[breach.pk])
    upload = SimpleUploadedFile(
        "numbers.csv", f"{march[0].customer_number}\n{march[1].customer_number}\n".encode()
    )
    preview = dpo_client.post(url, {"numbers_file": upload, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert TEXTS["notice_sv"] in html and TEXTS["notice_fi"] in html and TEXTS["notice_nb"] not in html
    assert not mail.outbox
    numbers = preview.context["numbers_text"]
    sent = dpo_client.post(url, {"customer_numbers": numbers, "send": "1"})
    assert sent.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([march[0].email, march[1].email])


def test_customer_service_may_not_send_notices(service_client, breach, shoppers):
    url = reverse("admin:breaches_breach_notify", args=[breach.pk])
    assert service_client.post(url, {"ordered_from": "2026-03-01", "send": "1"}).status_code == 403
    assert not BreachNotice.objects.exists()


@pytest.mark.parametrize(
    ("country", "title", "risk"),
    [
        ("FI", "Ilmoitus henkilötietojen tietoturvaloukkauksesta", "Korkea riski"),
        ("SE", "Anmälan av personuppgiftsincident", "Hög risk"),
        ("NO", "Melding om brudd på personopplysningssikkerheten", "Høy risiko"),
        ("EE", "Teavitus isikuandmetega seotud rikkumisest", "Suur risk"),
    ],
)
def test_export_has_the_authoritys_form_in_its_language(dpo_client, breach, country, title, risk):
    breach.record_notification(stage="initial", notified_at=timezone.now(), reference="REF-7")
    form = authority_form(breach, country)
    assert form.title.startswith(title)
    labels = [label for label, _value in form.rows]
    assert labels == list(LABELS[FORM_LANGUAGE[country]].values())
    values = dict(form.rows)
    # With the initial notification recorded, the form is the supplementary one, with its reference.
    assert "REF-7" in values[LABELS[FORM_LANGUAGE[country]]["reference"]]
    assert risk in values[LABELS[FORM_LANGUAGE[country]]["risk"]]
    url = reverse("admin:breaches_breach_export", args=[breach.pk])
    page = dpo_client.get(url, {"country": country})
    assert page.status_code == 200 and title in page.content.decode()
    text = dpo_client.get(url, {"country": country, "format": "text"})
    assert text["Content-Type"].startswith("text/plain")
    assert f"breach-{breach.pk}-{country}.txt" in text["Content-Disposition"]
    body = text.content.decode()
    assert title in body and labels[6] in body and breach.description in body


def test_export_is_refused_to_customer_service(service_client, breach):
    assert service_client.get(reverse("admin:breaches_breach_export", args=[breach.pk])).status_code == 403


def test_customers_without_an_email_are_listed_for_another_way_and_passed_by(dpo_client, breach, shoppers):
    march, _may = shoppers
    no_email = make_customer(language="sv", email="", customer_number="K-NOMAIL")
    make_order(no_email, placed_at=datetime(2026, 3, 20, 12, tzinfo=HELSINKI))
    url = reverse("admin:breaches_breach_notify", args=[breach.pk])
    selection = {"ordered_from": "2026-03-01", "ordered_to": "2026-03-31"}

    preview = dpo_client.post(url, {**selection, "preview": "1"})

    assert preview.context["unreachable_count"] == 1
    assert preview.context["unreachable_numbers"] == "K-NOMAIL"
    html = preview.content.decode()
    assert "1 customer concerned has no email address" in html and "K-NOMAIL" in html
    sent = dpo_client.post(url, {**selection, "send": "1"}, follow=True)
    assert len(mail.outbox) == 3
    assert not BreachNotice.objects.filter(customer=no_email).exists()
    shown = [str(message) for message in sent.context["messages"]]
    assert any("1 customer concerned has no email address and was not told" in text for text in shown)
    # Once the others are told, the one without an email is still named, and no one else is; in the
    # staff member's language.
    dpo_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    again = dpo_client.post(url, {**selection, "preview": "1"})
    assert again.context["unreachable_numbers"] == "K-NOMAIL"
    html = again.content.decode()
    assert "1 berörd kund har ingen e-postadress" in html
    assert not english_in(visible_text(html, "sv"), "sv")
    assert list(notices.without_email(breach, notices.select_customers(numbers=["K-NOMAIL"]))) == [no_email]


def test_the_list_of_customers_without_an_email_is_bounded(dpo_client, breach, monkeypatch):
    monkeypatch.setattr(notices, "UNREACHABLE_SHOWN", 2)
    numbers = [make_customer(email="", customer_number=f"K-{n}").customer_number for n in range(3)]
    url = reverse("admin:breaches_breach_notify", args=[breach.pk])

    preview = dpo_client.post(url, {"customer_numbers": "\n".join(numbers), "preview": "1"})

    assert preview.context["unreachable_numbers"] == "K-0\nK-1"
    assert preview.context["unreachable_more"] == 1
    assert "And 1 more" in preview.content.decode()


def test_customers_told_another_way_are_recorded_once_and_leave_the_list(dpo_client, dpo, breach, shoppers):
    march, _may = shoppers
    letters = [make_customer(email="", customer_number=f"K-LETTER-{n}") for n in range(2)]
    url = reverse("admin:breaches_breach_notify", args=[breach.pk])
    listed = [march[0].customer_number, *(customer.customer_number for customer in letters)]
    numbers = {"customer_numbers": "\n".join(listed)}

    done = dpo_client.post(url, {**numbers, "told_otherwise": "1"}, follow=True)

    shown = [str(message) for message in done.context["messages"]]
    assert "2 customers without an email address are recorded as told another way." in shown
    recorded = BreachNotice.objects.filter(breach=breach)
    expected = {(customer.pk, "other", dpo.pk) for customer in letters}
    assert set(recorded.values_list("customer", "channel", "sent_by")) == expected
    # Neither an email nor the one who has an address is touched; the breach now has its first date.
    assert not mail.outbox
    breach.refresh_from_db()
    assert breach.subjects_notified_at is not None
    preview = dpo_client.post(url, {**numbers, "preview": "1"})
    assert preview.context["unreachable_count"] == 0
    assert notices.record_told_otherwise(breach, notices.select_customers(numbers=["K-LETTER-0"])) == 0
    # The one with an address is still told by email.
    assert notices.send_notices(breach, notices.select_customers(numbers=[march[0].customer_number])) == 1
    assert recorded.get(customer=march[0]).channel == "email"


def test_customer_service_may_not_record_customers_as_told(service_client, breach):
    customer = make_customer(email="")
    url = reverse("admin:breaches_breach_notify", args=[breach.pk])
    response = service_client.post(url, {"customer_numbers": customer.customer_number, "told_otherwise": "1"})
    assert response.status_code == 403
    assert not BreachNotice.objects.exists()
