"""A fresh demo gives every retention rule work, so the dry run shows what each rule does."""

import io

import pytest
from django.core.management import call_command

from register.models import PurgeRun, RetentionKey

pytestmark = pytest.mark.django_db


def test_dry_run_on_a_fresh_demo_has_work_for_every_rule():
    call_command("load_example_register", "jalonom", stdout=io.StringIO())
    call_command("generate_demo_data", customers=300, stdout=io.StringIO())

    call_command("purge_expired", "--dry-run", stdout=io.StringIO())

    run = PurgeRun.objects.get()
    totals = dict(run.results.values_list("rule", "total"))
    assert set(totals) == set(RetentionKey.values)
    assert all(total > 0 for total in totals.values()), totals
