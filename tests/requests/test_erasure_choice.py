"""Delete or anonymise: the customer's choice, staff changes with a reason, preview, record, retention."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import ConsentEvent, Customer, ErasureMode, Order
from register.retention import run_purge
from requests.erasure import erase_for_request, preview_erasure
from requests.models import ErasureRecord, Request, RequestEvent, RequestMessage, TransitionError
from tests.factories import (
    make_consent,
    make_customer,
    make_invoice,
    make_matched_request,
    make_order,
    make_published_retention_register,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=30 * 365)


def erasure_request(customer, choice, **fields):
    return make_matched_request([customer], kind=Request.Kind.ERASURE, erasure_choice=choice, **fields)


# --- the public form -------------------------------------------------------------------------


def form_data(**extra):
    return {"kind": "erasure", "email": "vilja@example.org", "name": "Vilja", **extra}


def test_the_form_explains_both_choices_and_defaults_to_delete(client):
    content = client.get("/en/requests/new/").content.decode()
    assert 'value="delete"' in content and 'value="anonymise"' in content
    assert "An anonymous record of your purchases stays" in content
    radio = r'<input type="radio" name="erasure_choice" value="(\w+)"[^>]*?( checked)?>'
    choices = re.findall(radio, content)
    assert choices == [(ErasureMode.DELETE, " checked"), (ErasureMode.ANONYMISE, "")]


@pytest.mark.parametrize("sent, stored", [({}, "delete"), ({"erasure_choice": "anonymise"}, "anonymise")])
def test_the_form_stores_the_choice(client, sent, stored):
    response = client.post(reverse("requests:new"), form_data(**sent))
    assert response.status_code == 302
    assert Request.objects.get().erasure_choice == stored


def test_the_choice_is_explained_in_the_visitors_language(client):
    page = client.get("/fi/requests/new/")
    assert page.status_code == 200
    assert "Anonymisoi tietoni" in page.content.decode()


# --- staff change it only with a reason -----------------------------------------------------


def choice_url(request):
    return reverse("admin:requests_request_erasure_choice", args=[request.pk])


def test_staff_change_the_choice_with_a_reason_in_the_trail(service_client, customer_service):
    request = erasure_request(make_customer(), ErasureMode.DELETE)
    response = service_client.post(
        choice_url(request), {"choice": "anonymise", "reason": "Customer's letter of 3 May"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.erasure_choice == ErasureMode.ANONYMISE
    event = request.events.get(kind=RequestEvent.Kind.ERASURE_CHOICE_CHANGED)
    assert event.actor == customer_service
    assert "Customer's letter of 3 May" in event.detail


def test_no_change_without_a_reason(service_client):
    request = erasure_request(make_customer(), ErasureMode.DELETE)
    response = service_client.post(choice_url(request), {"choice": "anonymise", "reason": "  "})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.erasure_choice == ErasureMode.DELETE
    assert not request.events.filter(kind=RequestEvent.Kind.ERASURE_CHOICE_CHANGED).exists()


def test_no_change_after_the_erasure(dpo):
    request = erasure_request(make_customer(), ErasureMode.ANONYMISE)
    erase_for_request(request, by=dpo)
    with pytest.raises(TransitionError):
        request.change_erasure_choice(ErasureMode.DELETE, by=dpo, reason="late")


def test_the_request_page_shows_the_choice(service_client):
    request = erasure_request(make_customer(), ErasureMode.ANONYMISE, language="en")
    page = service_client.get(reverse("admin:requests_request_change", args=[request.pk]))
    assert "The customer chose: Anonymise." in page.content.decode()
    assert choice_url(request) in page.content.decode()


# --- what each choice does -------------------------------------------------------------------


def test_delete_without_kept_records_deletes_the_customer_row(dpo):
    customer = make_customer()
    make_consent(customer)
    request = erasure_request(customer, ErasureMode.DELETE, language="en")

    plan = preview_erasure(customer, ErasureMode.DELETE)
    assert plan.customer_row == "deleted"
    assert {item.label: item.action for item in plan.items}["customers.customer"] == "delete"

    (record,) = erase_for_request(request, by=dpo)

    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not ConsentEvent.objects.filter(customer_id=customer.pk).exists()
    assert not Customer.history.filter(id=customer.pk).exists()
    assert record.mode == ErasureMode.DELETE and record.customer is None
    customer_item = next(i for i in record.items if i["model"] == "customers.customer")
    assert customer_item["action"] == "delete" and customer_item["pks"] == [customer.pk]
    # Nothing is left to do for completion: no matched customer is waiting.
    request.refresh_from_db()
    request.start(by=dpo) if request.status == "verified" else None
    request.complete(by=dpo)
    body = RequestMessage.objects.get(request=request, template="erasure_outcome").body
    assert "As you chose, your data was deleted." in body


def test_anonymise_keeps_a_customer_row_without_identifiers(dpo):
    customer = make_customer(company="Vilja Oy", identity_number="010101-123N")
    make_consent(customer)
    request = erasure_request(customer, ErasureMode.ANONYMISE, language="en")

    assert preview_erasure(customer, ErasureMode.ANONYMISE).customer_row == "anonymised"
    (record,) = erase_for_request(request, by=dpo)

    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.erasure_mode == ErasureMode.ANONYMISE
    assert (customer.first_name, customer.last_name, customer.email, customer.phone) == ("", "", "", "")
    assert (customer.company, customer.identity_number, customer.street_address) == ("", "", "")
    # Not even the shop's customer number is left, in the row or its history.
    assert customer.customer_number == f"anon-{customer.pk}"
    assert set(customer.history.values_list("customer_number", flat=True)) == {f"anon-{customer.pk}"}
    assert record.mode == ErasureMode.ANONYMISE and record.customer == customer
    body = RequestMessage.objects.get(request=request, template="erasure_outcome").body
    assert "your data was anonymised" in body


@pytest.mark.parametrize("choice", [ErasureMode.DELETE, ErasureMode.ANONYMISE])
def test_held_records_stay_de_identified_in_both_modes(dpo, choice):
    customer = make_customer()
    recent = make_order(customer, placed_at=timezone.now() - timedelta(days=40))
    make_invoice(recent, issued_at=timezone.now() - timedelta(days=40))
    request = erasure_request(customer, choice)

    plan = preview_erasure(customer, choice)
    assert plan.customer_row == ("deleted_later" if choice == ErasureMode.DELETE else "anonymised")
    retained = {item.label for item in plan.retained}
    assert {"customers.order", "customers.invoice"} <= retained

    erase_for_request(request, by=dpo)

    recent.refresh_from_db()
    assert recent.delivery_name == "" and recent.purge_after is not None
    customer.refresh_from_db()
    assert customer.email == "" and customer.erasure_mode == choice
    # The shop's number stays while kept bookkeeping records need it; the row counts the order.
    assert not customer.customer_number.startswith("anon-")
    assert customer.orders.count() == 1


@pytest.mark.parametrize("choice", [ErasureMode.DELETE, ErasureMode.ANONYMISE])
def test_retention_finishes_the_erasure_when_the_last_kept_order_goes(dpo, settings, choice):
    settings.SHOP_COUNTRY = "FI"
    make_published_retention_register()
    customer = make_customer()
    # Kept by the bookkeeping period when erased, past it when the purge runs.
    order = make_order(customer, placed_at=timezone.now() - timedelta(days=40))
    erase_for_request(erasure_request(customer, choice), by=dpo)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - LONG_AGO, purge_after=None)

    result = run_purge(only="order_bookkeeping").results.get()

    assert result.status == "done", result.error
    assert not Order.objects.filter(pk=order.pk).exists()
    if choice == ErasureMode.DELETE:
        assert not Customer.objects.filter(pk=customer.pk).exists()
        assert result.counts.get("customers.Customer") == 1
    else:
        customer.refresh_from_db()
        assert customer.customer_number == f"anon-{customer.pk}"
        assert customer.erased_at is not None
    # A second run finds nothing more to do.
    assert run_purge(only="order_bookkeeping").results.get().total == 0


def test_an_anonymised_customer_is_not_erased_again_by_retention(dpo, settings):
    settings.SHOP_COUNTRY = "FI"
    make_published_retention_register()
    long_ago = timezone.now() - timedelta(days=5 * 365)
    customer = make_customer(last_activity_at=long_ago, created_at=long_ago)
    erase_for_request(erasure_request(customer, ErasureMode.ANONYMISE), by=dpo)

    for _ in range(2):
        assert run_purge(only="customer_inactive").results.get().total == 0
    assert ErasureRecord.objects.filter(customer=customer).count() == 1


def test_preview_page_shows_the_difference(dpo_client):
    customer = make_customer()
    request = erasure_request(customer, ErasureMode.DELETE, language="en")
    url = reverse("admin:requests_request_erasure", args=[request.pk])
    assert (
        "the customer row and every row without a legal hold are deleted"
        in dpo_client.get(url).content.decode()
    )
    Request.objects.filter(pk=request.pk).update(erasure_choice=ErasureMode.ANONYMISE)
    assert "a customer row without any identifier stays" in dpo_client.get(url).content.decode()
