"""No admin path deletes personal data past erasure: no delete for any role, superusers included.

Django's delete would leave the data in the history tables and the admin log and write no erasure
record; customers are erased through an erasure request, old orders by the retention job.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from register.registry import registry
from requests.models import LegalClaim
from tests.conftest import login_with_second_factor
from tests.factories import (
    make_consent,
    make_customer,
    make_invoice,
    make_matched_request,
    make_order,
    make_payment,
    make_return,
)

pytestmark = pytest.mark.django_db


def personal_data_models() -> set[type]:
    return {declaration.model for declaration in registry.with_personal_data()}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@shop.example", "x")


def test_no_admin_of_a_personal_data_model_lets_anyone_delete(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = []
    for model, model_admin in admin.site._registry.items():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        for inline in inlines:
            if inline.model in personal_data_models():
                assert not inline.has_delete_permission(request), type(inline).__name__
        if model not in personal_data_models():
            continue
        assert not model_admin.has_delete_permission(request), model._meta.label
        assert "delete_selected" not in model_admin.get_actions(request), model._meta.label
        checked.append(model._meta.label)
    assert {"customers.Customer", "customers.Order", "customers.Invoice", "customers.Payment"} <= set(checked)
    assert {"customers.Return", "customers.ConsentEvent", "requests.RectificationChange"} <= set(checked)
    assert {"requests.LegalClaim", "requests.Request", "requests.AccessReport"} <= set(checked)


def test_delete_urls_answer_403_for_a_superuser(client, superuser):
    customer = make_customer()
    order = make_order(customer)
    invoice = make_invoice(order)
    rows = {
        "customers_customer": customer,
        "customers_order": order,
        "customers_invoice": invoice,
        "customers_payment": make_payment(invoice),
        "customers_return": make_return(order),
        "customers_consentevent": make_consent(customer),
        "requests_legalclaim": LegalClaim.objects.create(
            customer=customer, note="Dispute", noted_by=superuser
        ),
        "requests_request": make_matched_request([customer]),
    }
    login_with_second_factor(client, superuser)

    for name, row in rows.items():
        url = reverse(f"admin:{name}_delete", args=[row.pk])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"post": "yes"}).status_code == 403, name
        assert type(row).objects.filter(pk=row.pk).exists(), name

    changelist = client.get(reverse("admin:customers_customer_changelist"))
    assert "delete_selected" not in changelist.content.decode()
