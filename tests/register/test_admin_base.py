"""Records that are evidence are shown in the admin but never added, changed or deleted there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from register.admin_base import ReadOnlyAdminMixin, ReadOnlyInlineMixin

EVIDENCE_MODELS = [
    "register.noticeversion",
    "register.purgerun",
    "customers.consentevent",
    "customers.suppression",
    "requests.requestmessage",
    "requests.accessreport",
    "requests.rectificationchange",
    "requests.erasurerecord",
]


@pytest.mark.django_db
@pytest.mark.parametrize("label", EVIDENCE_MODELS)
def test_evidence_admins_refuse_add_change_and_delete_even_for_the_dpo(dpo_client, dpo, label):
    model = apps.get_model(label)
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().get("/")
    request.user = dpo
    assert isinstance(model_admin, ReadOnlyAdminMixin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
    opts = model._meta
    assert dpo_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    assert dpo_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200


@pytest.mark.django_db
def test_audit_trail_and_correspondence_inlines_are_read_only(dpo):
    from requests.models import Request, RequestEvent, RequestMessage

    request = RequestFactory().get("/")
    request.user = dpo
    request_admin = admin.site.get_model_admin(Request)
    inlines = [
        inline
        for inline in request_admin.get_inline_instances(request, Request(pk=1))
        if isinstance(inline, ReadOnlyInlineMixin)
    ]
    assert {inline.model for inline in inlines} == {RequestEvent, RequestMessage}
    for inline in inlines:
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request, None)
        assert list(inline.get_readonly_fields(request)) == list(inline.fields)


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [7, "K-1/2 _x?", "ä&b"])
def test_each_row_links_to_the_change_page_django_would_link_to(dpo, pk):
    from django.contrib.admin.views.main import ChangeList

    from customers.models import Customer
    from register.admin_base import StrictChangeList

    model_admin = admin.site.get_model_admin(Customer)
    request = RequestFactory().get("/admin/customers/customer/")
    request.user = dpo
    changelist = model_admin.get_changelist_instance(request)
    assert isinstance(changelist, StrictChangeList)
    row = Customer(pk=pk)
    ours = changelist.url_for_result(row)
    assert ours == ChangeList.url_for_result(changelist, row)
    assert changelist.url_for_result(Customer(pk=8)) == reverse("admin:customers_customer_change", args=[8])


def request_changelist(user, query: str = ""):
    from requests.models import Request

    model_admin = admin.site.get_model_admin(Request)
    request = RequestFactory().get("/admin/requests/request/" + query)
    request.user = user
    return model_admin.get_changelist_instance(request)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?kind__exact=erasure&o=2", "?status=all&q=%C3%A5+%26&received_via__exact=form"]
)
def test_a_kept_query_string_is_djangos(dpo, monkeypatch, query):
    from django.contrib.admin.views import main
    from django.contrib.admin.views.main import ChangeList

    changelist = request_changelist(dpo, query)
    asked = [
        ({}, None),
        ({"p": 3}, None),
        ({"kind__exact": "access"}, ["kind__"]),
        ({"status": None}, []),
        ({"o": "1.-2"}, ["p"]),
        ({"completed_at__gte": "2026-01-01", "completed_at__lt": "2027-01-01"}, ["completed_at__"]),
    ]
    expected = [ChangeList.get_query_string(changelist, new, remove) for new, remove in asked]
    assert [changelist.get_query_string(new, remove) for new, remove in asked] == expected
    # Asked again, by this list or another of the same parameters: not written again.
    monkeypatch.setattr(main, "urlencode", lambda *args, **kwargs: pytest.fail("written again"))
    again = request_changelist(dpo, query)
    assert [again.get_query_string(new, remove) for new, remove in asked] == expected


@pytest.mark.django_db
def test_a_field_filter_not_in_use_leaves_the_queryset_as_it_is(dpo):
    from django.contrib.admin import FieldListFilter

    from tests.factories import make_request

    for kind in ("access", "erasure", "erasure"):
        make_request(kind=kind, status="in_progress")
    whole = request_changelist(dpo)
    field_filters = [spec for spec in whole.filter_specs if isinstance(spec, FieldListFilter)]
    assert field_filters
    queryset = object()
    assert all(spec.queryset(None, queryset) is queryset for spec in field_filters)
    assert whole.result_count == 3
    filtered = request_changelist(dpo, "?kind__exact=erasure")
    assert filtered.result_count == 2 and {r.kind for r in filtered.result_list} == {"erasure"}
