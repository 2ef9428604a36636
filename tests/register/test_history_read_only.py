"""Past versions kept by django-simple-history are read in the admin, never written back.

django-simple-history's page of one past version is a "revert" form; it saved on POST for staff
who may only view (a bookkeeping period from 10 years to 0.5, so the next purge deletes records
years early), and answered 500 on a published notice.
"""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_manager_for_model

from register.admin_base import HistoryAdmin
from register.models import BookkeepingPeriod
from tests.admin_policy import MODELS
from tests.admin_world import make_admin_world
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [
    model._meta.label_lower
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, SimpleHistoryAdmin)
]


@pytest.fixture
def world(dpo):
    return make_admin_world(dpo)


def logged_in(user) -> Client:
    return login_with_second_factor(Client(), user)


def model_of(label):
    return next(model for model in admin.site._registry if model._meta.label_lower == label)


def urls(obj):
    opts = obj._meta
    version = get_history_manager_for_model(obj).order_by("history_id").first()
    assert version is not None, f"{opts.label} has no history row"
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    past = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id]
    )
    return history, past


def change_form_data(client, obj) -> dict:
    """What the change form would post for ``obj``, with one text changed where there is one."""
    opts = obj._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    text = next((n for n, f in form.fields.items() if type(f).__name__ == "CharField" and data.get(n)), None)
    if text:
        data[text] = data[text] + " (changed)"
    return data


def test_every_history_tracked_admin_is_read_only_history():
    assert HISTORY_MODELS
    for label in HISTORY_MODELS:
        assert isinstance(admin.site.get_model_admin(model_of(label)), HistoryAdmin), label


def test_posting_a_past_version_changes_nothing_for_any_role(world, dpo, customer_service):
    clients = {user.username: logged_in(user) for user in (customer_service, dpo)}
    for label in HISTORY_MODELS:
        obj = world[model_of(label)]
        _history, past = urls(obj)
        data = change_form_data(clients[dpo.username], obj)
        before = model_to_dict(obj)
        versions = get_history_manager_for_model(obj).count()
        for username, client in clients.items():
            response = client.post(past, data)
            assert response.status_code == 405, (label, username, response.status_code)
        obj.refresh_from_db()
        assert model_to_dict(obj) == before, label
        assert get_history_manager_for_model(obj).count() == versions, label


def test_history_pages_show_every_field_read_only_to_those_who_may_view(world, dpo, customer_service):
    clients = {"customer_service": logged_in(customer_service), "dpo": logged_in(dpo)}
    for label in HISTORY_MODELS:
        history, past = urls(world[model_of(label)])
        may_view = MODELS[label][0]
        for username, client in clients.items():
            if username not in may_view:
                # The breach register is the DPO's alone (tests/admin_policy.py).
                assert client.get(history).status_code == 403, (label, username)
                assert client.get(past).status_code == 403, (label, username)
                continue
            assert client.get(history).status_code == 200, (label, username)
            response = client.get(past)
            assert response.status_code == 200, (label, username)
            form = response.context["adminform"].form
            assert not form.fields, f"{label}: editable fields on a past version: {list(form.fields)}"
            assert "Revert" not in response.content.decode()


def test_a_view_only_user_cannot_shorten_a_bookkeeping_period_through_its_history(world, customer_service):
    period = BookkeepingPeriod.objects.order_by("pk").first()
    years = period.years
    _history, past = urls(period)
    data = {
        "country": period.country,
        "kind": period.kind,
        "years": "0.5",
        "counts_from": period.counts_from,
        "statute": period.statute,
    }
    assert logged_in(customer_service).post(past, data).status_code == 405
    period.refresh_from_db()
    assert period.years == years


def test_history_urls_with_ids_that_are_not_ids_answer_404(world, dpo):
    client = logged_in(dpo)
    for label in HISTORY_MODELS:
        obj = world[model_of(label)]
        opts = obj._meta
        base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for path in ("abc/history/", f"{obj.pk}/history/abc/", "abc/history/1/", f"{obj.pk}/history/²/"):
            assert client.get(base + path).status_code == 404, base + path
