"""Every change list's table and filters, written in Python, say exactly what Django's templates say.

The walk takes every admin of the site and its rows from ``tests/admin_rows.py``: a newly registered
admin is checked as soon as it has rows there. Each list is rendered by the project
(``register.admin_list.result_list_html``) and by Django's ``admin/change_list_results.html`` from the
same change list, and the two must match once whitespace between tags is collapsed; likewise each
list filter (``filter_html`` and Django's ``admin/filter.html``).
"""

import re

import pytest
from django.contrib.admin.templatetags.admin_list import admin_list_filter, result_list
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from register.admin_list import filter_html, renders_in_python, result_list_html
from tests.admin_rows import ROWS
from tests.test_admin_query_counts import ADMINS, url_of

pytestmark = pytest.mark.django_db


def squeeze(html: str) -> str:
    """The HTML with the whitespace between tags and inside text collapsed."""
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+", " ", html)


def difference(ours: str, django: str) -> str:
    """Where the two first differ, for the failure message."""
    pairs = enumerate(zip(ours, django, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(ours), len(django)))
    return f"ours: …{ours[max(at - 80, 0) : at + 120]}\ndjango: …{django[max(at - 80, 0) : at + 120]}"


def both(client: Client, url: str, language: str = "en", **params) -> tuple[str, str]:
    """The list's table as the project writes it and as Django's template does, from one change list."""
    with translation.override(language):
        response = client.get(url, params, headers={"accept-language": language})
        assert response.status_code == 200, (url, response.status_code)
        cl = response.context["cl"]
        assert renders_in_python(cl)
        ours = result_list_html(cl)
        django = render_to_string("admin/change_list_results.html", result_list(cl))
        for spec in cl.filter_specs:
            ours_filter, django_filter = squeeze(filter_html(cl, spec)), squeeze(admin_list_filter(cl, spec))
            assert ours_filter == django_filter, difference(ours_filter, django_filter)
            assert ours_filter in squeeze(response.content.decode())
    assert squeeze(ours) in squeeze(response.content.decode())
    return squeeze(ours), squeeze(django)


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_every_list_matches_djangos_template(label, shop, root_client):
    model, _model_admin = ADMINS[label]
    for _ in range(3):
        ROWS[label].make(shop)
    ours, django = both(root_client, url_of(model, "changelist"))
    assert ours == django, difference(ours, django)
    assert "<tbody><tr>" in ours


@pytest.mark.parametrize("language", ["sv", "fi", "nb"])
def test_the_request_list_matches_in_every_language(language, shop, dpo_client):
    for _ in range(3):
        ROWS["requests.request"].make(shop)
    # Sorted by two columns (sort priorities shown), filtered (kept in every row's link).
    url = reverse("admin:requests_request_changelist")
    ours, django = both(dpo_client, url, language, o="3.-2", status="all")
    assert ours == django
    assert "sortpriority" in ours and "_changelist_filters=" in ours


def test_kept_headers_follow_each_ordering_filter_and_language(shop, dpo_client):
    """Column headers are kept from page to page; each ordering, filter and language still gets its own."""
    for _ in range(3):
        ROWS["requests.request"].make(shop)
    url = reverse("admin:requests_request_changelist")
    pages = [
        ("en", {}),
        ("en", {"o": "3.-2"}),
        ("en", {"o": "-2.3"}),
        ("en", {"o": "3.-2", "status": "all"}),
        ("en", {"o": "3.-2", "status": "all", "p": "1"}),
        ("sv", {"o": "3.-2", "status": "all"}),
    ]
    seen = []
    for _ in range(2):
        for language, params in pages:
            ours, django = both(dpo_client, url, language, **params)
            assert ours == django, (language, params, difference(ours, django))
            seen.append(ours[: ours.index("<tbody>")])
    assert len(set(seen)) == len(pages) - 1  # a later page of the same list has the same headers


def test_the_customer_list_matches_for_staff_who_see_masked_values(shop, customer_service, client):
    from tests.conftest import login_with_second_factor

    customer = ROWS["customers.customer"].make(shop)
    customer.identity_number = "010203-123A"
    customer.save()
    client = login_with_second_factor(client, customer_service)
    ours, django = both(client, reverse("admin:customers_customer_changelist"), "sv", country__exact="FI")
    assert ours == django
    assert "field-masked_identity_number" in ours and "010203-123A" not in ours


def test_an_empty_list_writes_nothing(dpo_client):
    ours, django = both(dpo_client, reverse("admin:customers_customer_changelist"))
    assert ours == django == ""


def test_the_stock_admin_of_the_benchmark_keeps_djangos_template():
    from django.contrib.admin.views.main import ChangeList

    assert not renders_in_python(ChangeList.__new__(ChangeList))


@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
@pytest.mark.parametrize("zone", ["Europe/Helsinki", "UTC"])
def test_dates_and_times_read_as_djangos_in_every_language(language, zone, settings):
    """``datetime_shown`` gives Django's text for midnight, noon, the small hours, both ends of summer
    time and seconds apart within one minute, with its parts kept from one value to the next."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.admin.utils import display_for_value
    from django.utils import timezone

    from register.admin_list import datetime_shown

    utc = datetime.UTC
    moments = [
        datetime.datetime(2026, 1, 1, 0, 0, tzinfo=utc),
        datetime.datetime(2026, 1, 1, 12, 0, tzinfo=utc),
        datetime.datetime(2026, 1, 1, 12, 0, 59, 999, tzinfo=utc),
        datetime.datetime(2026, 3, 29, 0, 59, tzinfo=utc),
        datetime.datetime(2026, 3, 29, 1, 0, tzinfo=utc),
        datetime.datetime(2026, 10, 25, 0, 30, tzinfo=utc),
        datetime.datetime(2026, 10, 25, 1, 30, tzinfo=utc),
        datetime.datetime(2026, 5, 17, 23, 5, tzinfo=utc),
        datetime.datetime(2026, 9, 1, 9, 41, tzinfo=ZoneInfo("America/New_York")),
    ]
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        shown = datetime_shown()
        for moment in moments * 2:
            assert shown(moment) == display_for_value(moment, "-"), (language, zone, moment)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_dates_and_times_read_as_djangos_without_time_zones(language, settings):
    """With ``USE_TZ`` off, ``datetime_shown`` shows the value as it is, as Django does."""
    import datetime

    from django.contrib.admin.utils import display_for_value

    from register.admin_list import datetime_shown

    settings.USE_TZ = False
    moments = [datetime.datetime(2026, 1, 1, 0, 0), datetime.datetime(2026, 7, 1, 23, 59, 30)]
    with translation.override(language):
        shown = datetime_shown()
        for moment in moments * 2:
            assert shown(moment) == display_for_value(moment, "-"), (language, moment)


@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
def test_the_action_bar_reads_as_djangos_for_each_admin_and_value(language):
    """The action bar's fields, rendered once and kept, are Django's HTML for each admin's actions,
    language and submitted value."""
    from django.contrib.admin.helpers import ActionForm as DjangosActionForm
    from django.utils.translation import gettext_lazy

    from register.admin_base import ActionForm

    def fields(form_class, choices, data):
        form = form_class(data, auto_id=None)
        form.fields["action"].choices = choices
        return [str(field) for field in form]

    shown = set()
    with translation.override(language):
        for data in (None, {"action": "", "select_across": "1"}, {"action": "export"}):
            for choices in (
                [("", "---------"), ("assign_to_me", "Assign to me"), ("start", "Start <processing>")],
                [("", "---------"), ("export", gettext_lazy("Export"))],
                [("", "---------"), ("delete", gettext_lazy("Delete selected"))],
            ):
                for _ in range(2):
                    ours = fields(ActionForm, choices, data)
                    assert ours == fields(DjangosActionForm, choices, data), (language, choices, data)
                    shown.add(tuple(ours))
    assert len(shown) == 9


@pytest.mark.parametrize(
    "url, popup, to_field",
    [
        ("/admin/requests/request/__pk__/change/", False, None),
        ("/admin/requests/request/add/", True, "id"),
        ("/admin/requests/request/", False, None),
        ("/admin/requests/request/?o=2", False, None),
        ("/elsewhere/", False, None),
    ],
)
@pytest.mark.parametrize(
    "preserved", ["", "_changelist_filters=kind__exact%3Derasure%26status%3Dall", "kind__exact=erasure"]
)
def test_a_kept_link_with_filters_is_djangos_and_resolved_once(monkeypatch, url, popup, to_field, preserved):
    from django.contrib.admin.templatetags import admin_urls

    from register.admin_list import _filters_kept, preserved_filters_link
    from requests.models import Request

    _filters_kept._values.clear()
    context = {"preserved_filters": preserved, "opts": Request._meta}
    expected = admin_urls.add_preserved_filters(context, url, popup, to_field)
    resolved = []
    resolve = admin_urls.resolve
    monkeypatch.setattr(admin_urls, "resolve", lambda path: resolved.append(path) or resolve(path))
    assert [preserved_filters_link(context, url, popup, to_field) for _ in range(3)] == [expected] * 3
    assert len(resolved) == (1 if preserved else 0)
