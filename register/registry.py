"""One registry of the personal data every model holds, and how to export and erase it.

Each app declares its models in ``<app>/privacy.py`` (discovered in ``RegisterConfig.ready()``),
in one place per model:

* which fields are personal data (``Personal``) and which are not (``not_personal``),
* how the model's rows are found for a customer (a lookup path from the model to ``Customer``,
  e.g. ``"order__customer"``; ``""`` for the customer row itself),
* whether the customer provided each field (GDPR Art. 20 portability),
* how each personal field is erased (``CLEAR``, ``KEEP`` or a replacement value that still passes
  model validation) and whether rows without a hold are anonymised or deleted,
* the legal holds (``Hold``) that keep rows, with a function computing until when.

The access report reads ``export_customer()`` and ``iter_tables()``; erasure
(``requests.erasure``) reads the same declarations. ``register.checks`` fails when a model of
the project apps, or a field of a declared model, is not declared, so nothing can be forgotten.

Two kinds of table are covered by rules rather than declarations: the django-simple-history
``Historical*`` table of a declared model is scrubbed together with its model, and the admin's
``LogEntry`` rows of the affected objects are scrubbed (docs/legal.md, "Known traps").
"""

from __future__ import annotations

import datetime
import decimal
import gc
import threading
import uuid
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import chain, compress, islice
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, ExtractYear, TruncDate
from django.utils.translation import gettext_lazy as _


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# Erase the field: "" for text, None for nullable fields (chosen from the field itself).
CLEAR = _Marker("CLEAR")
# Keep the field as it is (e.g. an amount on a bookkeeping record).
KEEP = _Marker("KEEP")
# Replacement of required free texts: passes validation and says what happened.
ERASED_TEXT = "[erased]"


class HoldName(models.TextChoices):
    """Named legal grounds for keeping data after an erasure request (GDPR Art. 17(3))."""

    BOOKKEEPING = "bookkeeping", _("Bookkeeping law (GDPR Art. 17(3)(b))")
    STATUTORY = "statutory", _("Statutory hold (GDPR Art. 17(3)(b), (e))")
    PENDING_ORDER = "pending_order", _("Unfinished order (GDPR Art. 6(1)(b))")
    OPEN_RETURN = "open_return", _("Open return (GDPR Art. 6(1)(b))")
    LEGAL_CLAIM = "legal_claim", _("Legal claim (GDPR Art. 17(3)(e))")


def hold_label(name: str, kind: str = "") -> str:
    """The hold's name for people, in the active language: a statutory hold by its kind."""
    from register.models import HoldKind

    if kind in HoldKind.values:
        return str(HoldKind(kind).label)
    return str(HoldName(name).label) if name in HoldName.values else name


class RowAction(models.TextChoices):
    ANONYMISE = "anonymise", _("anonymise")
    DELETE = "delete", _("delete")


@dataclass(frozen=True)
class Personal:
    """A personal-data field: whether the customer provided it (Art. 20) and how it is erased.

    ``staff_text`` marks free text that staff write about the customer (notes, reasons, replies):
    the access report's review page shows each in full before release, and staff may withhold
    one with a reason where it would adversely affect the rights of others (GDPR Art. 15(4)).
    """

    provided: bool = False
    erase: Any = CLEAR
    # Export this lookup instead of the column (e.g. "purpose__code" for a foreign key).
    export: str | None = None
    staff_text: bool = False
    # An internal copy computed from another field (a normalised form, a digest for lookups): kept
    # in the machine-readable export, left out of what people read (the report's page, the preview).
    derived: bool = False


@dataclass(frozen=True)
class HoldMatch:
    """One legal hold on one row: which hold, under which statute, until when and how.

    ``until`` is the last day the row must be kept, or None when the hold ends with an event (an
    order delivered, an invoice paid). ``kind`` is the ``HoldKind`` of a statutory hold.
    """

    name: str
    until: datetime.date | None = None
    statute: str = ""
    kind: str = ""
    keeps_identifiers: bool = False
    reason: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        return hold_label(self.name, self.kind)

    def sort_key(self) -> tuple:
        return (self.until is None, self.until or datetime.date.min, self.name, self.kind, self.statute)

    def as_record(self) -> dict[str, Any]:
        return {
            "hold": self.name,
            "kind": self.kind,
            "statute": self.statute,
            "until": self.until.isoformat() if self.until else None,
        }


@dataclass(frozen=True)
class Hold:
    """A legal hold on some of a model's rows.

    ``condition`` (a ``Q`` over the model) narrows the customer's rows to those under the hold;
    ``rows(queryset)`` does the same as a queryset filter, for conditions a ``Q`` cannot say.
    ``make_until()`` returns a function ``until(values)`` giving the last day a row must be kept (or
    None when the hold ends with an event, such as delivery), reading ``date_fields`` of the row; it
    may cache, so one erasure asks the database a bounded number of times. ``keeps_identifiers`` says
    whether the row stays untouched (an order still to be delivered) or is kept without direct
    identifiers (a bookkeeping voucher).

    A hold whose statute and end date vary per row (the bookkeeping law of the order's seller, the
    statutory holds kept as data) gives ``reads(model)`` and ``decide(queryset, rows)`` instead:
    ``reads`` names the values it needs of each row (``{name: lookup or expression}``), read with
    the model's other holds in one query (``matches_of``), and ``decide`` yields ``(pk, HoldMatch)``
    for the rows under it, possibly several per row, from ``(pk, *values)`` rows, the values in the
    order ``reads`` names them. What it decides of a row must follow from the row's values alone (not
    its pk): ``matches_of`` and ``Registry.iter_judged_pages`` pass one row of each set of rows with equal
    values.
    """

    name: str
    reason: Any
    rows: Callable[[QuerySet], QuerySet] | None = None
    make_until: Callable[[], Callable[[dict], datetime.date | None]] = lambda: lambda values: None
    date_fields: tuple[str, ...] = ()
    keeps_identifiers: bool = False
    condition: models.Q | None = None
    reads: Callable[[type[models.Model]], dict[str, Any]] | None = None
    decide: Callable[[QuerySet, list[tuple]], Iterable[tuple[int, HoldMatch]]] | None = None

    def matches(self, queryset: QuerySet) -> Iterator[tuple[int, HoldMatch]]:
        """Yield ``(pk, match)`` for each of ``queryset``'s rows under this hold."""
        held = matches_of([self], queryset)
        for pk, key in held.keys.items():
            for match in held.combos[key]:
                yield pk, match

    def _reads(self, model: type[models.Model]) -> dict[str, Any]:
        if self.reads is not None:
            return self.reads(model)
        values: dict[str, Any] = {name: models.F(name) for name in self.date_fields}
        values["held"] = _flag(model, self.condition, self.rows)
        return values

    def _decide(self, queryset: QuerySet, rows: list[tuple]) -> Iterable[tuple[int, HoldMatch]]:
        if self.decide is not None:
            yield from self.decide(queryset, rows)
            return
        until = self.make_until()
        reason = str(self.reason)
        made: dict[datetime.date | None, HoldMatch] = {}
        for pk, *values, held in rows:
            if not held:
                continue
            end = until(dict(zip(self.date_fields, values, strict=True)))
            if end not in made:
                made[end] = HoldMatch(self.name, end, keeps_identifiers=self.keeps_identifiers, reason=reason)
            yield pk, made[end]


def _flag(
    model: type[models.Model], condition: models.Q | None, rows: Callable[[QuerySet], QuerySet] | None
) -> Any:
    """Whether a row meets ``condition`` (or is among ``rows(...)``), as a value read with the row."""
    if condition is not None:
        return models.Case(
            models.When(condition, then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )
    if rows is not None:
        return models.Exists(rows(model._default_manager.filter(pk=models.OuterRef("pk"))))
    return models.Value(True, output_field=models.BooleanField())


@dataclass
class HeldRows:
    """The rows of one query and the holds on each (``matches_of``).

    ``rows`` are ``(pk, *extra values)`` tuples in primary-key order. ``keys`` maps the pk of each row
    under a hold to a key of ``combos``, its holds sorted by ``HoldMatch.sort_key``: rows under the same
    holds share one key and one tuple, so a million rows make no million sets.
    """

    rows: list[tuple]
    keys: dict[int, int]
    combos: dict[int, tuple[HoldMatch, ...]]
    # The rows' pks, in the same order.
    pks: Sequence[int] = ()

    def of(self, pk: int) -> tuple[HoldMatch, ...]:
        """The holds on row ``pk`` (empty when none)."""
        key = self.keys.get(pk)
        return () if key is None else self.combos[key]


def matches_of(holds: Iterable[Hold], queryset: QuerySet, extra: dict[str, Any] | None = None) -> HeldRows:
    """Every row of ``queryset`` and the holds on each, from one query whatever the number of rows.

    ``extra`` names values read with each row (``{name: lookup or expression}``). A plain query, never a
    server-side cursor: PostgreSQL plans a cursor for its first rows and may walk a whole primary-key
    index instead of the customer's rows.
    """
    holds = list(holds)
    extra = extra or {}
    # Every value the holds and ``extra`` read, in order; ``decide`` takes a hold's by position.
    wanted: list[Any] = []
    spans: list[tuple[int, int]] = []
    for hold in holds:
        reads = hold._reads(queryset.model)
        spans.append((1 + len(wanted), 1 + len(wanted) + len(reads)))
        wanted.extend(reads.values())
    wanted.extend(extra.values())
    # Each expression is selected once (a hold's order id may be ``extra``'s too), a constant not at all.
    annotations: dict[str, Any] = {}
    aliases: dict[Any, str] = {}
    sources: list[str | models.Value] = []
    for value in wanted:
        if isinstance(value, models.Value):
            sources.append(value)
            continue
        try:
            alias = aliases.get(value)
        except TypeError:  # an expression with unhashable parts is selected as it is
            alias = None
        if alias is None:
            alias = f"read_{len(annotations)}"
            annotations[alias] = value
            with suppress(TypeError):
                aliases[value] = alias
        sources.append(alias)
    values = list(queryset.annotate(**annotations).order_by("pk").values_list("pk", *annotations))
    if not values:
        return HeldRows([], {}, {}, ())
    # The rows a column at a time: the work per row is done by zip, map and dict, not a Python loop.
    selected = dict(zip(["pk", *annotations], zip(*values, strict=True), strict=True))
    columns = [selected["pk"]] + [
        [source.value] * len(values) if isinstance(source, models.Value) else selected[source]
        for source in sources
    ]
    pks = columns[0]
    rows = list(zip(pks, *columns[len(columns) - len(extra) :], strict=True))
    if not holds:
        return HeldRows(rows, {}, {}, pks)
    # Per hold, the matches on each row (None: none). A hold decides from a row's values alone: it
    # judges one row of each set of rows with equal values (the lines of one order, the invoices of
    # one year), and those rows share one tuple of matches.
    per_hold = [
        _matches_per_row(hold, queryset, pks, columns[first:last])
        for hold, (first, last) in zip(holds, spans, strict=True)
    ]
    # Rows under the same tuples of matches share one key; equal sets of matches one key and one tuple.
    same = list(zip(*(map(id, column) for column in per_hold), strict=True))
    key_of: dict[tuple[int, ...], int | None] = {}
    numbers: dict[tuple[HoldMatch, ...], int] = {}
    for ids, found_lists in dict(zip(same, zip(*per_hold, strict=True), strict=True)).items():
        matches = dict.fromkeys(match for found in found_lists if found for match in found)
        if matches:
            combo = tuple(sorted(matches, key=HoldMatch.sort_key))
            key_of[ids] = numbers.setdefault(combo, len(numbers) + 1)
        else:
            key_of[ids] = None
    row_keys = list(map(key_of.__getitem__, same))
    keys = dict(compress(zip(pks, row_keys, strict=True), row_keys))
    combos = {number: combo for combo, number in numbers.items()}
    return HeldRows(rows, keys, combos, pks)


def _matches_per_row(
    hold: Hold, queryset: QuerySet, pks: Sequence[int], columns: list[Sequence]
) -> list[tuple[HoldMatch, ...] | None]:
    """The matches of ``hold`` on each row (None: none), from the columns of the values it reads.

    A hold decides from a row's values alone: it judges one row of each set of rows with equal values
    (the lines of one order, the invoices of one year), and rows under the same matches share one tuple
    of them. Done over columns (zip, map, dict), not row by row; a hold that reads one value is keyed
    by the value itself (an order's id), not a tuple of it.
    """
    single = len(columns) == 1
    reads = columns[0] if single else list(zip(*columns, strict=True))
    # {values: the pk of the first row with them} (of the rows reversed, the last one wins).
    first_pk = dict(zip(reversed(reads), reversed(pks), strict=True))
    reads_of = dict(zip(first_pk.values(), first_pk, strict=True))
    judged = (
        list(zip(first_pk.values(), first_pk, strict=True))
        if single
        else [(pk, *of) for of, pk in first_pk.items()]
    )
    found: dict[Any, list[HoldMatch]] = defaultdict(list)
    for pk, match in hold._decide(queryset, judged):
        found[reads_of[pk]].append(match)
    shared: dict[tuple[int, ...], tuple[HoldMatch, ...]] = {}
    tuples = {of: shared.setdefault(tuple(map(id, matches)), tuple(matches)) for of, matches in found.items()}
    return list(map(tuples.get, reads))


class YearOf(Cast):
    """The year of a date or time in the current time zone, as the database's integer.

    Read as it comes: Django converts the value of an ``Extract`` in Python, row by row, and one
    column that needs converting makes every column of every row go through the converters.
    """

    convert_value = staticmethod(models.Expression._convert_value_noop)

    def __init__(self, expression: Any) -> None:
        super().__init__(ExtractYear(expression), models.IntegerField())


class DayOf(TruncDate):
    """The date of a time in the current time zone, read as the database gives it (``YearOf``)."""

    convert_value = staticmethod(models.Expression._convert_value_noop)


def in_ids(column: str, queryset: QuerySet) -> models.Q | models.Func:
    """The rows whose ``column`` is one of the ids ``queryset`` gives (one column of values).

    On PostgreSQL ``column = ANY(ARRAY(queryset))``: the ids are read first and each is looked up in
    the column's index, where ``IN`` or a join is planned for the whole table once the ids number
    thousands (a hash of every return, a parallel scan, JIT compilation: 300 ms, against a few
    milliseconds for the returns of a customer with 10,000 orders among 5,000,000). Elsewhere
    ``column IN (queryset)``.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return models.Q(**{f"{column}__in": queryset})
    from django.contrib.postgres.expressions import ArraySubquery

    from register.retention import AnyOf

    return AnyOf(models.F(column), ArraySubquery(queryset.order_by()))


def related_to(model: type[models.Model], path: str, customer) -> models.Q | models.Func:
    """The condition on ``model`` for its rows about ``customer`` through ``path`` (``"order__customer"``).

    On PostgreSQL a path through a foreign key looks the ids it leads to up in that key's index
    (``in_ids``), hop by hop; a direct or many-to-many relation, other databases and queries inside
    ``one_customer_plans()`` (which only nest loops over indexes), the plain lookup.
    """
    from django.db import connection

    first, _sep, rest = path.partition("__")
    if not rest or connection.vendor != "postgresql" or _one_customer.get():
        return models.Q(**{path: customer})
    relation = model._meta.get_field(first)
    if not relation.many_to_one:
        return models.Q(**{path: customer})
    related = relation.related_model
    ids = related._default_manager.filter(related_to(related, rest, customer)).values("pk")
    return in_ids(relation.attname, ids)


@dataclass
class Declaration:
    """What one model holds about customers, and how it is exported and erased."""

    model: type[models.Model]
    category: str = ""
    path: str | None = None
    personal: dict[str, Personal] = field(default_factory=dict)
    not_personal: frozenset[str] | str = frozenset()
    on_erase: str = RowAction.ANONYMISE
    holds: tuple[Hold, ...] = ()
    table: str = ""
    # What happens to rows without a hold when the customer chose deletion over anonymisation
    # (``requests.erasure``); empty: the same as ``on_erase``.
    on_delete_choice: str = ""
    # Optional replacement of the generic eraser: eraser(declaration, pks, delete) -> None.
    eraser: Callable[[Declaration, list[int], bool], None] | None = None

    @property
    def holds_personal_data(self) -> bool:
        return self.path is not None and bool(self.personal)

    def rows_for(self, customer) -> QuerySet:
        """The model's rows about ``customer`` (empty for models without customer data)."""
        manager = self.model._default_manager
        if self.path is None:
            return manager.none()
        if self.path == "":
            return manager.filter(pk=customer.pk)
        return manager.filter(related_to(self.model, self.path, customer))

    def erase_values(self, *, history: bool = False) -> dict[str, Any]:
        """The column values that anonymise a row (for ``QuerySet.update``)."""
        values = {}
        for name, rule in self.personal.items():
            if rule.erase is KEEP:
                continue
            model_field = self.model._meta.get_field(name)
            if rule.erase is CLEAR:
                values[model_field.attname] = None if model_field.null else _empty_for(model_field)
            else:
                values[model_field.attname] = rule.erase
        return values

    def erased_field_names(self) -> list[str]:
        return [name for name, rule in self.personal.items() if rule.erase is not KEEP]

    def history_model(self) -> type[models.Model] | None:
        """The django-simple-history model of this model, if it keeps history."""
        attribute = getattr(self.model._meta, "simple_history_manager_attribute", None)
        if attribute is None:
            return None
        return getattr(self.model, attribute).model


def _empty_for(model_field: models.Field) -> Any:
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    return ""


class Registry:
    """The declarations of all models; one instance, ``registry``, serves the project."""

    def __init__(self) -> None:
        self._declarations: dict[type[models.Model], Declaration] = {}

    def register(
        self,
        model: type[models.Model],
        *,
        category: str,
        path: str,
        personal: dict[str, Personal],
        not_personal: Iterable[str] = (),
        on_erase: str = RowAction.ANONYMISE,
        holds: Iterable[Hold] = (),
        table: str = "",
        on_delete_choice: str = "",
    ) -> Declaration:
        """Declare a model that holds personal data about customers."""
        declaration = Declaration(
            model=model,
            category=category,
            path=path,
            personal=dict(personal),
            not_personal=frozenset(not_personal),
            on_erase=on_erase,
            on_delete_choice=on_delete_choice,
            holds=tuple(holds),
            table=table or model._meta.model_name,
        )
        self._declarations[model] = declaration
        return declaration

    def register_without_personal_data(self, model: type[models.Model], *, reason: str) -> Declaration:
        """Declare explicitly that a model holds no personal data about customers."""
        declaration = Declaration(model=model, not_personal="__all__", table=model._meta.model_name)
        declaration.reason = reason
        self._declarations[model] = declaration
        return declaration

    def declaration(self, model: type[models.Model]) -> Declaration | None:
        return self._declarations.get(model)

    def declarations(self) -> list[Declaration]:
        return list(self._declarations.values())

    def with_personal_data(self) -> list[Declaration]:
        return [d for d in self._declarations.values() if d.holds_personal_data]

    def declared_fields(self, model: type[models.Model], *, provided_only: bool = False) -> list[str]:
        """The personal fields declared for ``model`` (only those the customer provided, if asked)."""
        declaration = self._declarations.get(model)
        if declaration is None:
            return []
        return [name for name, rule in declaration.personal.items() if rule.provided or not provided_only]

    # --- export (GDPR Art. 15 and 20) ---------------------------------------------------------

    def export_columns(self, declaration: Declaration, provided_only: bool) -> list[tuple[str, str]]:
        """(output name, lookup) of the exported columns; the row's id always comes first."""
        columns = [("id", "pk")]
        for name, rule in declaration.personal.items():
            if provided_only and not rule.provided:
                continue
            model_field = declaration.model._meta.get_field(name)
            lookup = rule.export or (model_field.attname if model_field.is_relation else name)
            columns.append((name, lookup))
        return columns

    def iter_rows(
        self, declaration: Declaration, customer, *, provided_only: bool = False, chunk_size: int = 5000
    ) -> Iterator[dict[str, Any]]:
        """Stream the exported rows of one model for ``customer`` as JSON-ready dicts."""
        columns = self.export_columns(declaration, provided_only)
        lookups = [lookup for _name, lookup in columns]
        for values in self.iter_values(declaration, customer, lookups, chunk_size=chunk_size):
            yield {name: to_json(value) for (name, _lookup), value in zip(columns, values, strict=True)}

    def iter_values(
        self, declaration: Declaration, customer, lookups: list[Any], *, chunk_size: int = 5000
    ) -> Iterator[tuple]:
        """Stream ``values_list(*lookups)`` of the customer's rows in key order (see ``iter_pages``)."""
        for page in self.iter_pages(declaration, customer, lookups, chunk_size=chunk_size):
            yield from page

    def iter_pages(
        self,
        declaration: Declaration,
        customer,
        lookups: list[Any],
        *,
        chunk_size: int = 5000,
        annotations: dict[str, Any] | None = None,
        page_cells: int | None = None,
    ) -> Iterator[list[tuple]]:
        """Yield ``values_list(*lookups)`` of the customer's rows in primary-key order, a page at a time.

        ``lookups[0]`` must be ``"pk"``; a lookup may also name one of ``annotations`` (expressions
        read with the row). A page is ``chunk_size`` rows, or with ``page_cells`` as many rows as
        hold that many values (a wide table's pages are shorter): memory follows the page, not the
        customer's rows. The first page is a plain indexed query (``LIMIT``), all a customer with
        fewer rows needs. The rest of a bigger table is one more query, read a page at a time
        (``_rest_in_pages``). The customer's own row is read from ``customer`` itself when it holds
        every column asked for, not fetched again.
        """
        if page_cells is not None:
            chunk_size = max(1, page_cells // len(lookups))
        if declaration.path == "" and isinstance(customer, declaration.model) and not annotations:
            row = _instance_values(customer, lookups)
            if row is not None:
                yield [row]
                return
        rows = declaration.rows_for(customer)
        page = list(_values(rows, lookups, annotations)[:chunk_size])
        full, last = len(page) == chunk_size, page[-1][0] if page else None
        if page:
            # No page stays referenced here while the next is read: one page in memory at a time.
            yield page
        del page
        if not full:
            return
        rest = rows.filter(pk__gt=last)
        if _server_side_cursors():
            yield from _rest_in_pages(_values(rest, lookups, annotations), chunk_size)
            return
        # Without server-side cursors (a pooler in transaction mode): the keys of the rest are read once,
        # then each page by its own keys. Paged by ``pk > last LIMIT n`` instead, PostgreSQL finds every
        # page by reading and sorting all the customer's rows again (a join through orders has no index
        # in key order): time grew with the square of the rows.
        keys = array("q", rest.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(keys), chunk_size):
            of_page = _rows_with_keys(declaration, rows, keys[start : start + chunk_size])
            yield list(_values(of_page, lookups, annotations))

    def iter_judged_pages(
        self,
        declaration: Declaration,
        customer,
        lookups: list[Any],
        holds: Iterable[Hold],
        *,
        chunk_size: int = 5000,
        page_cells: int | None = None,
    ) -> Iterator[tuple[list[tuple], dict[int, tuple[HoldMatch, ...]]]]:
        """Yield ``(page, held)`` as ``iter_pages``, with the matches of ``holds`` on the page's rows.

        What each hold needs of a row (``Hold.reads``) is read in the same query as ``lookups``, and the
        hold judges each page as it is read: no row is read twice, and ``held`` ({pk: matches, in the
        order of ``holds``; an equal match may come twice}) never holds more than one page. A hold
        decides from a row's values alone: rows with the same values (the lines of one order, the
        invoices of one year) are judged once, by the first of them, and rows under the same holds
        share one tuple of matches.
        """
        holds = list(holds)
        queryset = declaration.rows_for(customer)
        width = len(lookups)
        annotations: dict[str, Any] = {}
        # Where each hold's values sit among the values read for the holds: ``decide`` takes them by
        # position, after the pk.
        spans: list[tuple[int, int]] = []
        for index, hold in enumerate(holds):
            reads = hold._reads(declaration.model)
            first = len(annotations)
            annotations.update({f"hold{index}_{n}": value for n, value in enumerate(reads.values())})
            spans.append((first, len(annotations)))
        pages = self.iter_pages(
            declaration,
            customer,
            [*lookups, *annotations],
            chunk_size=chunk_size,
            annotations=annotations,
            page_cells=page_cells,
        )
        for page in pages:
            # The page a column at a time: the holds' work is done over columns, not row by row.
            values = list(zip(*page, strict=True))
            pks = values[0]
            # The page's rows as a queryset (a page is a run of keys), for holds that read more about
            # them in the database: only this page's, not the customer's every row again.
            rows_of_page = queryset.filter(pk__gte=page[0][0], pk__lte=page[-1][0])
            # Per hold, the matches on each row (None: none).
            matches_of_rows = [
                _matches_per_row(hold, rows_of_page, pks, values[width + first : width + last])
                for hold, (first, last) in zip(holds, spans, strict=True)
            ]
            # Each row's matches of every hold in one tuple, shared by the rows under the same matches.
            keys = list(zip(*(map(id, column) for column in matches_of_rows), strict=True))
            combined = {
                key: tuple(chain.from_iterable(filter(None, per_hold)))
                for key, per_hold in dict(zip(keys, zip(*matches_of_rows, strict=True), strict=True)).items()
            }
            of_rows = list(map(combined.__getitem__, keys))
            held = dict(compress(zip(pks, of_rows, strict=True), of_rows))
            yield (list(zip(*values[:width], strict=True)) if annotations else page), held
            # Nothing of this page stays referenced while the next is read.
            del page, values, pks, rows_of_page, matches_of_rows, keys, combined, of_rows, held

    def iter_export(
        self, customer, *, provided_only: bool = False
    ) -> Iterator[tuple[str, str, Iterator[dict[str, Any]]]]:
        """Yield ``(category, table, rows)`` per declared model, the tables of a category together.

        Rows are streamed JSON-ready dicts; consume each table's rows before asking for the next.
        """
        declarations = [
            declaration
            for declaration in self.with_personal_data()
            if not provided_only or any(rule.provided for rule in declaration.personal.values())
        ]
        categories = list(dict.fromkeys(declaration.category for declaration in declarations))
        declarations.sort(key=lambda declaration: categories.index(declaration.category))
        for declaration in declarations:
            rows = self.iter_rows(declaration, customer, provided_only=provided_only)
            yield declaration.category, declaration.table, rows

    def export_customer(self, customer, *, provided_only: bool = False) -> dict[str, dict[str, list]]:
        """All declared personal data about ``customer``, nested by category then table.

        Dates are ISO 8601 strings and amounts strings, so the result is JSON-serialisable.
        ``provided_only`` keeps the data the customer provided (portability, GDPR Art. 20).
        One query per declared model (plus one per 2,000 rows). The access report streams
        the same data with ``iter_export`` instead of holding it in memory.
        """
        result: dict[str, dict[str, list]] = {}
        for category, table, rows in self.iter_export(customer, provided_only=provided_only):
            result.setdefault(category, {})[table] = list(rows)
        return result

    def iter_tables(
        self, customer, *, provided_only: bool = False
    ) -> Iterator[tuple[str, list[str], Iterator[list[str]]]]:
        """Yield ``(table name, header, rows)`` per declared model, rows streamed as string lists.

        Consume each table's rows before asking for the next table.
        """
        for declaration in self.with_personal_data():
            columns = self.export_columns(declaration, provided_only)
            if provided_only and len(columns) == 1:
                continue
            header = [name for name, _lookup in columns]
            rows = (
                [_csv_cell(row[name]) for name in header]
                for row in self.iter_rows(declaration, customer, provided_only=provided_only)
            )
            yield declaration.table, header, rows


@contextmanager
def datetimes_loaded_by_psycopg() -> Iterator[None]:
    """Within the block, PostgreSQL's times with time zone are read by psycopg's own loader.

    Django's loader is written in Python: it parses each value and then puts the connection's time zone
    on it. When the session's time zone is UTC, as Django sets it with ``USE_TZ``, psycopg's loader (in C
    with psycopg's binary package) gives the very same value, a ``datetime`` in ``datetime.UTC``, five
    times faster (10,000 orders' two times: 127 ms against 23); the access report of a customer with
    10,000 orders reads 40,000 times. Elsewhere (SQLite, a session in another time zone) the block
    changes nothing.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or connection.timezone != datetime.UTC:
        yield
        return
    from psycopg.types.datetime import TimestamptzLoader

    def execute(run: Callable, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        cursor = context["cursor"].cursor
        if cursor.connection.info.parameter_status("TimeZone") == "UTC":
            # On this cursor only; psycopg puts its C version in place of the class when it has one.
            cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        yield


def _values(queryset: QuerySet, lookups: list[Any], annotations: dict[str, Any] | None) -> QuerySet:
    """``values_list(*lookups)`` of ``queryset`` in key order, with ``annotations`` read with each row."""
    if annotations:
        queryset = queryset.annotate(**annotations)
    return queryset.order_by("pk").values_list(*lookups)


# Rows per fetch from a server-side cursor.
_FETCH_ROWS = 2000


def _server_side_cursors() -> bool:
    """Whether the connection reads a query's rows a page at a time through a cursor on the server
    (PostgreSQL, unless ``DISABLE_SERVER_SIDE_CURSORS`` is set for a pooler in transaction mode)."""
    from django.db import connection

    disabled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    return connection.vendor == "postgresql" and not disabled


def _rest_in_pages(queryset: QuerySet, chunk_size: int) -> Iterator[list[tuple]]:
    """The rows of ``queryset`` (in key order), ``chunk_size`` at a time, from one query.

    The query runs once, through a server-side cursor (``.iterator()``) that fetches a page at a time,
    so memory holds one page whatever the number of rows. PostgreSQL plans a cursor's query for its
    first tenth of rows (``cursor_tuple_fraction``), and a plan for the first rows of a customer's
    orders may walk the whole table's primary key; the cursor is declared planned for all of its rows,
    as a plain query is, and the setting is put back right after.
    """
    from django.db import connection

    # Fetched a few thousand rows at a time: the last fetch stays referenced while the next is made,
    # and is then a small part of a page, not a whole page beside the next one.
    rows = queryset.iterator(chunk_size=min(chunk_size, _FETCH_ROWS))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('cursor_tuple_fraction'), "
                "set_config('cursor_tuple_fraction', '1', false)"
            )
            saved = cursor.fetchone()[0]
            try:
                # The cursor is declared, and planned, as its first page is fetched.
                page = list(islice(rows, chunk_size))
            finally:
                if _transaction_usable(connection):
                    cursor.execute("SELECT set_config('cursor_tuple_fraction', %s, false)", [saved])
        while page:
            yield page
            # No page stays referenced here while the next is read.
            del page
            page = list(islice(rows, chunk_size))
    finally:
        rows.close()


def _rows_with_keys(declaration: Declaration, rows: QuerySet, keys: array) -> QuerySet:
    """The rows of ``keys`` (keys of ``rows``, in order). On PostgreSQL by the keys themselves, one array
    parameter (``unnest``) whatever their number; elsewhere (SQLite limits a statement's parameters) as
    the range of ``rows`` between the first and the last key."""
    from django.db import connection

    if connection.vendor == "postgresql":
        in_keys = RawSQL("SELECT unnest(%s::bigint[])", [list(keys)])  # noqa: S611
        return declaration.model._default_manager.filter(pk__in=in_keys)
    return rows.filter(pk__gte=keys[0], pk__lte=keys[-1])


def _instance_values(instance: models.Model, lookups: list[Any]) -> tuple | None:
    """``lookups`` read from a loaded instance's own columns; None when one is not among them."""
    attnames = {model_field.attname for model_field in instance._meta.concrete_fields}
    deferred = instance.get_deferred_fields()
    values = []
    for lookup in lookups:
        if lookup == "pk":
            values.append(instance.pk)
        elif isinstance(lookup, str) and lookup in attnames and lookup not in deferred:
            values.append(getattr(instance, lookup))
        else:
            return None
    return tuple(values)


def to_json(value: Any) -> Any:
    """Return ``value`` in a JSON-serialisable form (ISO dates, decimals as strings)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


registry = Registry()


# --- Hold helpers used by the apps' declarations ---------------------------------------------


# Lookups that stay the same during one erasure or preview (the shop's country, the controllers'
# countries, the bookkeeping periods, the statutory holds in force): read once per run inside
# ``memoised_lookups()``, not once per model and hold.
_memo: ContextVar[dict | None] = ContextVar("registry_memo", default=None)


_collector_pauses = 0
_collector_lock = threading.Lock()
_collector_was_on = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the block reads rows in bulk (erasure, its preview and the
    access report).

    Reading tens of thousands of rows makes tens of thousands of tuples, and every few hundred new
    objects start a collection; the older generations' collections walk every object the process
    holds, Django's included, and cost more than reading the rows (0.5 s → 0.3 s of CPU for the
    preview of a customer with 10,000 orders). Reference counting still frees what the block drops
    at once; reference cycles made in it are collected after it. Blocks may nest and run in several
    threads: the collector resumes when the last ends, unless it was off before the first.
    """
    global _collector_pauses, _collector_was_on
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_on:
                gc.enable()


# Set inside ``one_customer_plans()``: ``related_to`` joins along the path instead of looking ids up.
_one_customer: ContextVar[bool] = ContextVar("registry_one_customer", default=False)
# What ``one_customer_plans()`` turns off: every plan but nested loops over indexes, one process per query.
_INDEX_PLANS = {"enable_hashjoin": "off", "enable_mergejoin": "off", "max_parallel_workers_per_gather": "0"}


@contextmanager
def one_customer_plans() -> Iterator[None]:
    """Plan the block's queries for one customer's rows: nested loops over indexes (PostgreSQL).

    PostgreSQL estimates the orders of a customer from averages; for one with thousands of them among
    millions it plans a hash join over every line, invoice or return, in parallel (45 ms for a
    customer's returns, where walking the indexes from their orders takes 7). Inside the block the
    connection plans only nested loops over indexes, which a customer's rows, a few or 100,000, never
    make slow, and ``related_to`` joins along the path (the planner walks it from the customer's
    index). The block runs in a transaction and the settings are the transaction's own
    (``set_config(…, true)``), so a connection pooler handing the server connection to another client
    between transactions (PgBouncer's transaction pooling) never passes them on: a transaction the
    block opens takes them with it when it ends (one query besides its BEGIN and COMMIT); inside a
    caller's transaction they are put back after the block (two), or by the rollback of a transaction
    that failed. The block adds no savepoint: an error inside it fails the caller's transaction. Other
    databases: no change.
    """
    from django.db import connection, transaction

    if connection.vendor != "postgresql" or _one_customer.get():
        yield
        return
    names = list(_INDEX_PLANS)
    nested = connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT "
                + ", ".join(["current_setting(%s)"] * len(names) + ["set_config(%s, %s, true)"] * len(names)),
                [*names, *(value for pair in _INDEX_PLANS.items() for value in pair)],
            )
            saved = cursor.fetchone()[: len(names)]
        token = _one_customer.set(True)
        try:
            yield
        finally:
            _one_customer.reset(token)
            if nested and _transaction_usable(connection):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                        [value for pair in zip(names, saved, strict=True) for value in pair],
                    )


def _transaction_usable(connection) -> bool:
    """Whether the connection can still run a query: not closed, and its transaction not failed (a
    failed one is rolled back, and the settings made in it with it)."""
    from psycopg.pq import TransactionStatus

    raw = connection.connection
    if raw is None or connection.needs_rollback:
        return False
    return raw.info.transaction_status != TransactionStatus.INERROR


@contextmanager
def memoised_lookups() -> Iterator[None]:
    """Within the block, ``memoised(key, compute)`` computes each key once (nested blocks share it)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def law_country(countries: dict[int, str], controller_id: int | None) -> str:
    """The country whose law keeps a record its controller sold (``countries``:
    ``law_countries_with_shop()``, or ``law_countries()``).

    Without a known controller, the shop's country: ``countries[None]`` when given, else read when a
    record needs it, once per run inside ``memoised_lookups``.
    """
    country = countries.get(controller_id)
    if country is None:
        from register.models import shop_country

        country = memoised("shop_country", shop_country)
    return country


def memoised(key: Any, compute: Callable[[], Any]) -> Any:
    cache = _memo.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def bookkeeping_periods() -> dict[tuple[str, str], tuple[str, Any, str]]:
    """``{(country, kind): (counts_from, years, statute)}`` of every bookkeeping period, in one query."""
    from register.models import BookkeepingPeriod

    return {
        (country, kind): (counts_from, years, statute)
        for country, kind, counts_from, years, statute in BookkeepingPeriod.objects.values_list(
            "country", "kind", "counts_from", "years", "statute"
        )
    }


def _field_at(model: type[models.Model], path: str) -> models.Field:
    """The field a lookup path (``"order__placed_at"``) ends at."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def bookkeeping_hold(
    date_field: str,
    *,
    kind: str = "voucher",
    controller: str = "controller",
    condition: models.Q | None = None,
) -> Hold:
    """Keep bookkeeping records without direct identifiers until the statutory period ends.

    The period is that of the country of the controller that sold the record's order (``controller``
    is the lookup from the model to it), or of the current register's country when the order names
    none, for the record kind, read from the BookkeepingPeriod table (the rule of
    ``register.legal.bookkeeping_hold_until``; docs/legal.md: Kirjanpitolaki, Bokföringslagen,
    Bokføringsloven, Raamatupidamise seadus). ``condition`` limits the hold to some rows (e.g. returns
    with a refund). Every record of a financial year ends on the same day unless the period counts
    from the record's own date: the database gives each row's year (and date only where needed) in
    the current time zone, and the end is computed once per country and year.
    """
    reason = _("Bookkeeping law of the seller's country requires keeping this record.")

    def periods() -> dict[str, tuple[str, Any, str]]:
        every = memoised("bookkeeping_periods", bookkeeping_periods)
        return {country: period for (country, period_kind), period in every.items() if period_kind == kind}

    def reads(model: type[models.Model]) -> dict[str, Any]:
        from register.legal import ISSUE_DATE

        # In this order: ``decide`` takes the values by position.
        values: dict[str, Any] = {
            "controller": models.F(f"{controller}_id"),
            "held": _flag(model, condition, None),
        }
        is_datetime = isinstance(_field_at(model, date_field), models.DateTimeField)
        values["year"] = YearOf(date_field)
        if any(counts_from == ISSUE_DATE for counts_from, _years, _statute in periods().values()):
            values["day"] = DayOf(date_field) if is_datetime else models.F(date_field)
        return values

    def decide(queryset: QuerySet, rows: list[tuple]) -> Iterator[tuple[int, HoldMatch]]:
        from register.legal import ISSUE_DATE, period_end
        from register.models import Controller

        countries = memoised("law_countries", Controller.objects.law_countries_with_shop)
        by_country = periods()
        cache: dict[tuple[str, Any], HoldMatch] = {}
        reason_text = str(reason)
        for pk, controller_id, held, year, *day in rows:
            if year is None or not held:
                continue
            country = law_country(countries, controller_id)
            if country not in by_country:
                raise LookupError(f"No bookkeeping period for {country}/{kind}")
            counts_from, years, statute = by_country[country]
            key = day[0] if counts_from == ISSUE_DATE else year
            # One match per country and end, shared by every row it holds.
            if (country, key) not in cache:
                day = key if counts_from == ISSUE_DATE else datetime.date(year, 12, 31)
                cache[(country, key)] = HoldMatch(
                    HoldName.BOOKKEEPING,
                    period_end(counts_from, years, day),
                    statute=statute,
                    reason=reason_text,
                )
            yield pk, cache[(country, key)]

    return Hold(name=HoldName.BOOKKEEPING, reason=reason, condition=condition, reads=reads, decide=decide)
