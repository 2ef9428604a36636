import pytest
from django.test import Client
from django.urls import reverse

from customers.contacts import mask_bank_account
from customers.models import ConsentEvent, Customer
from tests.conftest import login_with_second_factor
from tests.factories import make_consent, make_customer, make_order, make_return

pytestmark = pytest.mark.django_db

HETU = "131052-308T"
IBAN = "FI2112345600000785"


@pytest.fixture
def sensitive():
    customer = make_customer(identity_number=HETU, bank_account=IBAN, first_name="Maja", last_name="Lind")
    # A second version, so the history view has a change to show.
    customer.identity_number = "010203-123A"
    customer.bank_account = "FI4950009420028730"
    customer.save()
    return customer


def change_url(customer):
    return reverse("admin:customers_customer_change", args=[customer.pk])


def history_url(customer):
    return reverse("admin:customers_customer_history", args=[customer.pk])


def test_customer_service_sees_masked_identifiers_in_list_change_and_history(service_client, sensitive):
    listing = service_client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "010203-123A" not in listing
    assert "******-123A" in listing

    change = service_client.get(change_url(sensitive)).content.decode()
    assert "010203-123A" not in change and "FI4950009420028730" not in change
    assert "******-123A" in change
    assert 'name="identity_number"' not in change

    history = service_client.get(history_url(sensitive)).content.decode()
    assert history.count("123A") >= 1
    for secret in (HETU, "010203-123A", IBAN, "FI4950009420028730"):
        assert secret not in history
    version = sensitive.history.earliest()
    old_version = service_client.get(
        reverse("admin:customers_customer_simple_history", args=[sensitive.pk, version.history_id])
    ).content.decode()
    assert HETU not in old_version and IBAN not in old_version
    assert "******-308T" in old_version


def test_customer_service_change_keeps_the_hidden_identifiers(service_client, sensitive):
    response = service_client.get(change_url(sensitive))
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"city": "Åbo", "_save": "Save"})
    response = service_client.post(change_url(sensitive), data)
    assert response.status_code == 302
    sensitive.refresh_from_db()
    assert sensitive.city == "Åbo"
    assert sensitive.identity_number == "010203-123A"


def test_dpo_sees_identifiers_in_full(dpo_client, sensitive):
    listing = dpo_client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "010203-123A" in listing
    change = dpo_client.get(change_url(sensitive)).content.decode()
    assert 'name="identity_number"' in change and "010203-123A" in change
    history = dpo_client.get(history_url(sensitive)).content.decode()
    assert HETU in history


def test_return_refund_account_is_masked_for_customer_service(service_client, dpo):
    item = make_return(refund_account="FI21 1234 5600 0007 85")
    dpo_client = login_with_second_factor(Client(), dpo)
    listing = service_client.get(reverse("admin:customers_return_changelist")).content.decode()
    assert "1234 5600" not in listing and mask_bank_account("FI21 1234 5600 0007 85") in listing
    change = service_client.get(reverse("admin:customers_return_change", args=[item.pk])).content.decode()
    assert "1234 5600" not in change
    assert (
        "1234 5600"
        in dpo_client.get(reverse("admin:customers_return_change", args=[item.pk])).content.decode()
    )


@pytest.mark.parametrize("kind", ["email", "name", "phone", "customer_number", "order_number"])
def test_dpo_search_finds_the_customer_by_each_key(dpo_client, kind):
    wanted = make_customer(
        email="Kari.Nordmann@Example.no", first_name="Kari", last_name="Nordmann", phone="+47 912 34 567"
    )
    other = make_customer(first_name="Olli", last_name="Virtanen")
    order = make_order(wanted, number="W-2024-00042")
    terms = {
        "email": "kari.nordmann@example.NO",
        "name": "Kari Nord",
        "phone": "+4791234567",
        "customer_number": wanted.customer_number,
        "order_number": order.number,
    }
    response = dpo_client.get(reverse("admin:customers_customer_changelist"), {"q": terms[kind]})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [wanted]
    assert other not in shown


def test_admin_pages_load_for_dpo(dpo_client):
    customer = make_customer()
    order = make_order(customer)
    make_return(order)
    make_consent(customer)
    for name in (
        "customer",
        "order",
        "return",
        "consentevent",
        "suppression",
        "invoice",
        "payment",
        "consentpurpose",
    ):
        assert dpo_client.get(reverse(f"admin:customers_{name}_changelist")).status_code == 200, name
    assert dpo_client.get(change_url(customer)).status_code == 200
    assert dpo_client.get(history_url(customer)).status_code == 200
    assert dpo_client.get(reverse("admin:customers_order_change", args=[order.pk])).status_code == 200
    assert (
        dpo_client.get(reverse("admin:customers_order_changelist"), {"customer": customer.pk}).status_code
        == 200
    )
    response = dpo_client.get(reverse("admin:customers_return_changelist"), {"order__customer": customer.pk})
    assert response.status_code == 200
    for purpose_filter in ("newsletter_email:granted", "sms_marketing:none", "newsletter_email:withdrawn"):
        response = dpo_client.get(reverse("admin:customers_customer_changelist"), {"consent": purpose_filter})
        assert response.status_code == 200
    granted = dpo_client.get(
        reverse("admin:customers_customer_changelist"), {"consent": "newsletter_email:granted"}
    )
    assert list(granted.context["cl"].result_list) == [customer]
    for param in ("restricted", "has_orders", "erased"):
        assert (
            dpo_client.get(reverse("admin:customers_customer_changelist"), {param: "yes"}).status_code == 200
        )


def test_change_page_lists_only_recent_orders_with_a_link_to_all(dpo_client):
    customer = make_customer()
    for _ in range(15):
        make_order(customer)
    page = dpo_client.get(change_url(customer)).content.decode()
    assert page.count("/admin/customers/order/") - page.count("?customer=") <= 10 + 1
    assert f"?customer={customer.pk}" in page


def test_customer_service_cannot_delete_customers(service_client):
    customer = make_customer()
    response = service_client.post(
        reverse("admin:customers_customer_delete", args=[customer.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_consent_ledger_cannot_be_changed_or_deleted_in_the_admin(dpo_client):
    event = make_consent()
    change = dpo_client.post(
        reverse("admin:customers_consentevent_change", args=[event.pk]), {"action": "withdrawn"}
    )
    assert change.status_code == 403
    delete = dpo_client.post(reverse("admin:customers_consentevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    add = dpo_client.get(reverse("admin:customers_consentevent_add"))
    assert add.status_code == 403
    event.refresh_from_db()
    assert event.action == ConsentEvent.Action.GRANTED


def test_objection_action_withdraws_marketing_and_suppresses(dpo_client):
    customer = make_customer()
    make_consent(customer, "newsletter_email")
    make_consent(customer, "sms_marketing")
    response = dpo_client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "record_objection", "_selected_action": [customer.pk]},
    )
    assert response.status_code == 302
    assert not any(customer.current_consents().values())
    assert not Customer.objects.marketable("newsletter_email").filter(pk=customer.pk).exists()
    from customers.models import Suppression

    assert Suppression.objects.contains_email(customer.email)


def test_restrict_action_sets_the_marker(service_client):
    customer = make_customer()
    service_client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "restrict_processing", "_selected_action": [customer.pk]},
    )
    customer.refresh_from_db()
    assert customer.restricted_at is not None
