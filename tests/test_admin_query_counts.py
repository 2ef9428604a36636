"""Every admin list, change page and history page runs the same queries for few rows as for many.

The walk takes the admins from the admin site itself, so a newly registered admin fails here until
``tests/admin_rows.py`` knows how to make its rows. For each admin:

- its change list runs as many queries with 25 rows as with 2 (each row with its related rows),
  and none of them is a ``SELECT DISTINCT`` over the table (a list filter offering the values
  found in the rows, or a date hierarchy, reads the whole table on every page);
- its change page runs as many queries for an object with many related rows (inline rows, rows a
  read-only field lists, linked rows, past versions, admin-log entries) as for one with few;
- its history page runs as many queries for an object with many past versions as for one with few.

Each page is requested once to fill the per-process caches (content types, the shop's name), then
counted. Pages are opened as the data-protection officer, or as a superuser where only superusers
may (staff accounts and groups, tests/admin_policy.py).
"""

import re
from collections import Counter

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_policy import MODELS
from tests.admin_rows import ROWS, Shop
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 25

ADMINS = {
    model._meta.label_lower: (model, model_admin) for model, model_admin in admin.site._registry.items()
}

# Tables that stay small, where a date hierarchy's SELECT DISTINCT of the days costs nothing.
SMALL_TABLES = {
    "register.noticeversion": "one row per published version of the privacy notice",
    "register.purgerun": "one row per run of the retention job",
    "breaches.breach": "one row per personal-data breach",
}


@pytest.fixture
def shop(dpo) -> Shop:
    return Shop(dpo)


@pytest.fixture
def client_for(dpo_client, django_user_model):
    """The DPO's client, or a superuser's for the pages only superusers may open."""

    def client(label: str) -> Client:
        if "dpo" in MODELS[label][0]:
            return dpo_client
        root = django_user_model.objects.create_superuser("root", "root@shop.example", "x")
        return login_with_second_factor(Client(), root)

    return client


def counted(client: Client, url: str):
    """The queries of ``url`` once the caches are warm, and the response."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries], response


def shape(sql: str) -> str:
    """A statement without its values, so the same query for other rows reads the same."""
    sql = re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)
    return re.sub(r"IN \((\?, )*\?\)", "IN (...)", sql)


def growth(few: list[str], many: list[str]) -> str:
    """The statements ``many`` runs more (or fewer) times than ``few``, for the failure message."""
    counts = Counter(map(shape, many))
    counts.subtract(Counter(map(shape, few)))
    return "\n".join(f"{n:+d} × {sql}" for sql, n in counts.items() if n)


def url_of(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def add_versions(model, obj, n: int, user) -> None:
    """``n`` past versions (for a model with history) and admin-log entries of ``obj``."""
    if hasattr(model, "history"):
        model.history.bulk_history_create([obj] * n, update=True, default_user=user)
    LogEntry.objects.bulk_create(
        LogEntry(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message='[{"changed": {"fields": ["Name"]}}]',
        )
        for _ in range(n)
    )


def test_every_admin_has_rows_for_the_walk():
    missing = sorted(set(ADMINS) - set(ROWS))
    assert not missing, f"tell tests/admin_rows.py ROWS how to make rows of {missing}"
    assert set(ROWS) == set(ADMINS), f"ROWS names models the admin no longer has: {set(ROWS) - set(ADMINS)}"


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_change_list_runs_the_same_queries_for_2_and_25_rows(label, shop, client_for):
    model, model_admin = ADMINS[label]
    client, rows, url = client_for(label), ROWS[label], url_of(model, "changelist")
    for _ in range(FEW):
        rows.make(shop)
    few, _response = counted(client, url)
    for _ in range(MANY - FEW):
        rows.make(shop)
    many, response = counted(client, url)
    # The page lists the rows it was given (it is not an empty list that cannot grow).
    shown = len(response.context["cl"].result_list)
    assert shown == min(model._default_manager.count(), model_admin.list_per_page) and shown >= FEW
    assert len(many) == len(few), growth(few, many)
    distinct = [sql for sql in many if re.search(r"\bSELECT DISTINCT\b", sql, re.IGNORECASE)]
    assert label in SMALL_TABLES or not distinct, distinct


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_change_page_runs_the_same_queries_for_few_and_many_related_rows(label, shop, client_for):
    model, _model_admin = ADMINS[label]
    client, rows = client_for(label), ROWS[label]
    small, big = rows.make(shop), rows.make(shop)
    rows.grow(shop, big, MANY)
    add_versions(model, big, MANY, shop.dpo)
    few, _response = counted(client, url_of(model, "change", small.pk))
    many, _response = counted(client, url_of(model, "change", big.pk))
    assert len(many) == len(few), growth(few, many)


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_history_page_runs_the_same_queries_for_1_and_25_versions(label, shop, client_for):
    model, _model_admin = ADMINS[label]
    client, rows = client_for(label), ROWS[label]
    small, big = rows.make(shop), rows.make(shop)
    add_versions(model, small, 1, shop.dpo)
    add_versions(model, big, MANY, shop.dpo)
    few, _response = counted(client, url_of(model, "history", small.pk))
    many, response = counted(client, url_of(model, "history", big.pk))
    assert len(many) == len(few), growth(few, many)


@pytest.mark.parametrize("label", ["requests.requestmessage", "requests.accessreport", "staff.stafflogin"])
def test_lists_of_added_only_records_show_the_newest_first_along_the_primary_key(label, shop, client_for):
    # Their time columns have no index: sorting a long list by one reads the whole table per page.
    model, _model_admin = ADMINS[label]
    older, newer = ROWS[label].make(shop), ROWS[label].make(shop)
    response = client_for(label).get(url_of(model, "changelist"))
    assert [row.pk for row in response.context["cl"].result_list][:2] == [newer.pk, older.pk]


def test_an_admin_that_lays_out_its_fields_shows_every_field_of_its_model():
    """An admin declaring ``fieldsets`` names the fields itself: a field added to the model must be added
    there too (or to ``exclude``), or staff would never see it."""
    from django.contrib.admin.utils import flatten_fieldsets

    laid_out = [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model_admin.fieldsets
    ]
    assert len(laid_out) >= 5
    for model, model_admin in laid_out:
        shown = set(flatten_fieldsets(model_admin.fieldsets)) | set(model_admin.exclude or ())
        editable = {
            field.name
            for field in model._meta.concrete_fields
            if field.editable and not field.primary_key and not field.auto_created
        }
        assert editable <= shown, (model, editable - shown)
