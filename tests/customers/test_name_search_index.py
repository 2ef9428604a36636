"""The customer admin's name search is a case-insensitive prefix match served by an index."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory

from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

PREFIX_INDEXES = (
    "customer_last_name_upper_idx",
    "customer_first_name_upper_idx",
    "customer_company_upper_idx",
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the expression indexes with text_pattern_ops exist only on PostgreSQL",
)


def search(term: str):
    admin = site._registry[Customer]
    queryset, _may_have_duplicates = admin.get_search_results(
        RequestFactory().get("/"), Customer.objects.all(), term
    )
    return queryset


def test_name_words_match_the_beginning_of_names_or_company_in_any_case():
    kari = make_customer(first_name="Kari", last_name="Nordström")
    company = make_customer(first_name="Ulla", last_name="Berg", company="NORDIC DESIGN OY")
    make_customer(first_name="Anna", last_name="Sjönord")
    make_customer(first_name="Karin", last_name="Lund")

    assert set(search("nord")) == {kari, company}
    # ASCII letters: SQLite's LIKE folds the case of ASCII only ("Ö" does not match "ö" there).
    assert set(search("KARI nordSTR")) == {kari}
    assert set(search("Nord%")) == set()  # the LIKE wildcard is escaped, not a pattern


@postgresql_only
def test_prefix_indexes_exist_with_the_pattern_operator_class():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [Customer._meta.db_table]
        )
        definitions = dict(cursor.fetchall())
    for name in PREFIX_INDEXES:
        assert name in definitions
        assert "upper(" in definitions[name] and "text_pattern_ops" in definitions[name]


@postgresql_only
def test_planner_uses_the_prefix_indexes_for_a_name_search():
    for n in range(30):
        make_customer(first_name=f"Ulla{n}", last_name=f"Berg{n}", company=f"Firma {n}")
    queryset = search("Nord").order_by()
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # On a table of a few dozen rows a sequential scan is cheapest; switching it off for this
        # transaction makes the planner show whether an index can serve the search at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for name in PREFIX_INDEXES:
        assert name in plan, plan
