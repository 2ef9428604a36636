"""The migration to rules covering several categories keeps each rule's category, both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("register", "0009_notice_facts")]
AFTER = [("register", "0010_retention_rule_categories")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_each_rules_category_moves_into_its_categories_and_back():
    try:
        apps = migrate(BEFORE)
        Register = apps.get_model("register", "Register")
        DataCategory = apps.get_model("register", "DataCategory")
        RetentionRule = apps.get_model("register", "RetentionRule")
        register = Register.objects.create(country="FI", language="sv", is_current=True)
        contact = DataCategory.objects.create(register=register, name_sv="Kontakt")
        orders = DataCategory.objects.create(register=register, name_sv="Beställningar")
        rule_for = {}
        for category in (contact, orders, None):
            rule_for[category] = RetentionRule.objects.create(
                register=register,
                category=category,
                period_amount=3,
                period_unit="years",
                counts_from="last_activity",
            ).pk

        apps = migrate(AFTER)
        RetentionRule = apps.get_model("register", "RetentionRule")
        moved = {
            pk: list(RetentionRule.objects.get(pk=pk).categories.values_list("name_sv", flat=True))
            for pk in rule_for.values()
        }
        assert moved == {
            rule_for[contact]: ["Kontakt"],
            rule_for[orders]: ["Beställningar"],
            rule_for[None]: [],
        }

        apps = migrate(BEFORE)
        RetentionRule = apps.get_model("register", "RetentionRule")
        back = {pk: RetentionRule.objects.get(pk=pk).category_id for pk in rule_for.values()}
        assert back == {rule_for[contact]: contact.pk, rule_for[orders]: orders.pk, rule_for[None]: None}
    finally:
        migrate(latest())
