"""A change list's rows built by ``ListRows`` are the instances Django's ``from_db`` builds."""

import pytest
from django.db.models import Count, Value
from django.db.models.signals import post_init

from customers.models import Order
from register import list_rows
from register.list_rows import ListRows, builds_plainly
from requests.models import Request
from tests.factories import make_customer, make_order, make_request

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {name: value for name, value in vars(obj).items() if name != "_state"}


def both(queryset):
    django = list(queryset)
    listed = queryset.all()
    listed._iterable_class = ListRows
    return list(listed), django


def test_rows_with_deferred_columns_and_a_related_row_equal_djangos(dpo):
    for _ in range(3):
        make_request(assignee=dpo)
    make_request()
    queryset = Request.objects.select_related("assignee").only("kind", "due_date", "assignee__username")
    ours, django = both(queryset.order_by("pk"))
    assert len(ours) == 4
    for mine, theirs in zip(ours, django, strict=True):
        assert type(mine) is Request
        assert fields(mine) == fields(theirs)
        assert mine.get_deferred_fields() == theirs.get_deferred_fields() != set()
        assert (mine._state.adding, mine._state.db) == (False, "default")
        assert (theirs._state.adding, theirs._state.db) == (False, "default")
        assert mine.assignee == theirs.assignee
        if theirs.assignee is not None:
            assert fields(mine.assignee) == fields(theirs.assignee)
        mine.refresh_from_db(fields=["email"])  # a deferred column loads as on Django's instance
        assert mine.email == Request.objects.get(pk=mine.pk).email
    assert sum(row.assignee_id == dpo.pk for row in ours) == 3


def test_whole_rows_and_annotations_equal_djangos():
    customer = make_customer()
    for _ in range(2):
        make_order(customer=customer)
    queryset = Order.objects.annotate(line_count=Count("lines"), label=Value("x")).order_by("pk")
    ours, django = both(queryset)
    assert [fields(row) for row in ours] == [fields(row) for row in django]
    assert [row.line_count for row in ours] == [row.line_count for row in django]
    assert ours[0].label == "x"
    ours[0].save()  # an instance read from the database saves as an update
    assert Order.objects.count() == 2


def test_a_model_with_an_init_receiver_is_built_by_django():
    make_request()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    assert builds_plainly(Request)
    post_init.connect(receiver, sender=Request)
    try:
        assert not builds_plainly(Request)
        ours, _django = both(Request.objects.all())
    finally:
        post_init.disconnect(receiver, sender=Request)
    assert ours[0] in seen


def test_a_column_behind_its_own_descriptor_is_built_by_django(monkeypatch):
    class Upper:
        def __get__(self, instance, owner):
            return self if instance is None else instance.__dict__["kind"].upper()

        def __set__(self, instance, value):
            instance.__dict__["kind"] = value

    list_rows._plain_columns.cache_clear()
    monkeypatch.setattr(Request, "kind", Upper())
    try:
        assert not builds_plainly(Request)
    finally:
        monkeypatch.undo()
        list_rows._plain_columns.cache_clear()
    assert builds_plainly(Request)


def test_the_project_lists_build_their_rows_so(dpo_client):
    """The request list's rows come through ListRows (its change list sets the iterable)."""
    make_request()
    response = dpo_client.get("/admin/requests/request/?status=all")
    assert response.status_code == 200
    assert response.context["cl"].result_list._iterable_class is ListRows
