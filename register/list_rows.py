"""A change list's rows built as model instances without ``Model.__init__``.

Django builds every row through ``Model.from_db``, which calls ``Model.__init__`` with a value or
``DEFERRED`` for each of the model's columns: the list reads a handful of a request's forty, yet each
row walks all forty, sends the two init signals and sets each value through ``setattr``. For a model
whose columns are plain attributes that come to the same thing as writing the values into the
instance's ``__dict__``, which ``ListRows`` does; the instance is the one ``from_db`` makes (the same
values, the same deferred columns, not ``adding``, the same database).

``ListRows`` falls back to Django's ``ModelIterable`` wherever that equivalence could fail: a model
that overrides ``__init__`` or ``from_db``, listens to ``pre_init`` or ``post_init``, or has a column
behind its own descriptor (a file, a custom field), and a queryset with known related objects.
"""

from __future__ import annotations

from functools import cache

from django.db import models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# The descriptors that store a column's value in the instance's __dict__ and nothing else.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


@cache
def _plain_columns(model: type[models.Model]) -> bool:
    """Whether ``Model.__init__`` would only put each column's value in the instance's ``__dict__``."""
    if model.__init__ is not models.Model.__init__:
        return False
    if model.from_db.__func__ is not models.Model.from_db.__func__:
        return False
    return all(
        type(model.__dict__.get(field.attname)) in _PLAIN_DESCRIPTORS for field in model._meta.concrete_fields
    )


def builds_plainly(model: type[models.Model]) -> bool:
    """Whether ``ListRows`` builds this model's rows itself (signals are asked each time: a receiver
    may connect after the first list)."""
    return _plain_columns(model) and not pre_init.has_listeners(model) and not post_init.has_listeners(model)


class ListRows(ModelIterable):
    """Django's ``ModelIterable``, with each row's instance written directly (see the module)."""

    def __iter__(self):
        queryset = self.queryset
        if queryset._known_related_objects or not builds_plainly(queryset.model):
            yield from super().__iter__()
            return
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
        model = klass_info["model"]
        columns = klass_info["select_fields"]
        start, end = columns[0], columns[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        new = model.__new__
        for row in compiler.results_iter(results):
            obj = new(model)
            state = obj._state = ModelState()
            state.adding = False
            state.db = db
            obj.__dict__.update(zip(names, row[start:end], strict=True))
            for populator in populators:
                populator.populate(row, obj)
            if annotations:
                for name, position in annotations.items():
                    setattr(obj, name, row[position])
            yield obj
