"""What the customers app's admin pages share: estimated counts, fixed-choice filters, masking."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from customers.contacts import MASKED_FIELDS, SENSITIVE_PERMISSION
from customers.models import Customer
from register.admin_base import protect_fields
from register.models import Country

# No admin lets staff without the permission filter, order or search by a masked field.
for _label, _fields in MASKED_FIELDS.items():
    protect_fields(_label, _fields, SENSITIVE_PERMISSION)


class EstimatedCountPaginator(Paginator):
    """Count exactly up to a threshold; above it, take PostgreSQL's estimate and say "about N".

    On millions of rows the exact count dominates the change list's time (docs/legal.md, known traps).
    An unfiltered list reads the table's row estimate (``pg_class.reltuples``); a filtered or searched
    one the planner's estimate of its rows (EXPLAIN). Below ``ESTIMATE_FROM`` estimated rows the rows
    are counted, but never more than ``ESTIMATE_FROM`` + 1 of them: the planner cannot estimate some
    filters (the consent filter's latest ledger event) and guesses a few hundred rows where there are
    a million; such a list then says "more than 10,000" (``at_least``) instead of counting them all.
    On SQLite the count is always exact. The admin's pagination reads "about N" (``estimated``).

    Estimates are kept for ``ESTIMATE_SECONDS`` by the query they are of: staff going back
    to a list, or through its pages, do not ask the planner again. A kept estimate only chooses between
    "about N" and counting; a count is always made at the time.
    """

    ESTIMATE_FROM = 10_000
    # From this many rows into the list, a page reads its keys first and then its rows by key.
    DEFER_FROM = 1_000
    estimated = False
    at_least = False

    def page(self, number):
        """The page's rows; deep in the list, by a deferred join.

        ``OFFSET 25000`` reads and throws away 25,000 whole rows. Reading only the keys of the page first
        walks the list's index alone (the customers' (created_at, id) index: page 500 of a million
        customers in 3 ms instead of 80), then the 50 rows are read by key, in the list's order.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if bottom < self.DEFER_FROM or not isinstance(queryset, QuerySet) or queryset.query.distinct:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        return self._get_page(queryset.filter(pk__in=keys), number, self)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connection.vendor == "postgresql" and isinstance(queryset, QuerySet):
            estimate, query = _planned(queryset)
            if estimate is not None and estimate >= self.ESTIMATE_FROM:
                self.estimated = True
                return estimate
            cap = self.ESTIMATE_FROM + 1
            if query is None:
                counted = queryset.order_by()[:cap].count()
            else:
                # The query the planner estimated, counted as it was built for the estimate (Django's
                # compiled SQL with its parameters apart, and an integer).
                sql, params = query
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {cap}) AS capped", params)  # noqa: S608
                    counted = cursor.fetchone()[0]
            if counted > self.ESTIMATE_FROM:
                self.at_least = True
                return self.ESTIMATE_FROM
            return counted
        return super().count


def _planned(queryset: QuerySet) -> tuple[int | None, tuple[str, tuple] | None]:
    """PostgreSQL's estimate of the rows of ``queryset`` (None if it has none), and the SQL and parameters
    of the query of their keys it was made for (None for an unfiltered table, whose estimate is the
    table's own row estimate)."""
    query = queryset.order_by().values("pk").query
    if not query.where:
        table = queryset.model._meta.db_table
        return _kept_estimate(("table", table), lambda: _table_estimate(table)), None
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:
        # A condition no row can meet (e.g. an id beyond the column's range): nothing to count.
        return 0, None
    except FullResultSet:
        return None, None
    return _kept_estimate(("query", sql, params), lambda: _query_estimate(sql, params)), (sql, params)


def _table_estimate(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    # -1 (or 0) until the table is first analysed: then count exactly.
    return int(row[0]) if row and row[0] and row[0] > 0 else None


def _query_estimate(sql: str, params: tuple) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# How long the planner's estimate of a list is kept (``EstimatedCountPaginator``), and how many are kept.
ESTIMATE_SECONDS = 60
KEPT_ESTIMATES = 1024

# {(database, what): (monotonic time taken, estimate)}: in the process's own memory, not the shared
# cache, so that a day of searches never pushes out what others keep there (rate-limit counters).
_estimates: dict[tuple, tuple[float, int | None]] = {}


def _kept_estimate(what: tuple, read: Callable[[], int | None]) -> int | None:
    """``read()``, kept for ``ESTIMATE_SECONDS`` by ``what`` and the database it is of."""
    key = (connection.alias, connection.settings_dict.get("NAME"), *what)
    try:
        kept = _estimates.get(key)
    except TypeError:  # a parameter that cannot be a key: asked every time
        return read()
    now = time.monotonic()
    if kept is not None and now - kept[0] < ESTIMATE_SECONDS:
        return kept[1]
    estimate = read()
    if len(_estimates) >= KEPT_ESTIMATES:
        _estimates.clear()
    _estimates[key] = (now, estimate)
    return estimate


def forget_estimates() -> None:
    """Forget every kept estimate (tests start with none)."""
    _estimates.clear()


def fixed_choices_filter(
    field: str, title, choices: Sequence[tuple[str, str]]
) -> type[admin.SimpleListFilter]:
    """A list filter over ``field`` offering a known set of values, with no query for its choices.

    Django's default filter for a field without choices lists ``SELECT DISTINCT field`` over the
    whole table on every page: on millions of rows that read costs more than the page itself.
    Countries and currencies are known sets. The parameter keeps Django's name (``field__exact``).
    """

    class FixedChoicesFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__exact"

        def lookups(self, request, model_admin):
            return list(choices)

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field: self.value()})
            return queryset

    FixedChoicesFilter.title = title
    FixedChoicesFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return FixedChoicesFilter


COUNTRY_CHOICES = Country.choices
CURRENCY_CHOICES = [(code, code) for code in ("EUR", "SEK", "NOK", "DKK")]
CountryFilter = fixed_choices_filter("country", _("country"), COUNTRY_CHOICES)
DeliveryCountryFilter = fixed_choices_filter("delivery_country", _("delivery country"), COUNTRY_CHOICES)
CurrencyFilter = fixed_choices_filter("currency", _("currency"), CURRENCY_CHOICES)


def can_view_sensitive(request: HttpRequest) -> bool:
    return request.user.has_perm(SENSITIVE_PERMISSION)


class MaskingContextHelper(HistoricalRecordContextHelper):
    """Mask sensitive values in the history view's list of changes."""

    def __init__(self, model, historical_record, masks: dict[str, Callable[[str], str]]):
        super().__init__(model, historical_record)
        self.masks = masks

    def prepare_delta_change_value(self, change, value):
        if change.field in self.masks:
            return self.masks[change.field](value)
        return super().prepare_delta_change_value(change, value)


class SensitiveFieldsMixin:
    """Show the model's fields of ``MASKED_FIELDS`` masked unless the user holds the permission.

    Applies to the change list, the change form (a read-only masked value instead of the input)
    and the history views, so the full value is shown only to those who need it (GDPR Art. 5(1)(f), 32).
    The admin shows each masked field through its display method ``masked_<field>``.
    """

    @cached_property
    def sensitive_fields(self) -> dict[str, tuple[str, Callable[[str], str]]]:
        """field name -> (name of the masked display method, masking function)."""
        masks = MASKED_FIELDS.get(self.model._meta.label, {})
        return {name: (f"masked_{name}", mask) for name, mask in masks.items()}

    def _swap(self, request: HttpRequest, names: Sequence) -> list:
        if can_view_sensitive(request):
            return list(names)
        return [self.sensitive_fields[n][0] if n in self.sensitive_fields else n for n in names]

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_view_sensitive(request):
            return fieldsets
        return [(title, {**opts, "fields": self._swap(request, opts["fields"])}) for title, opts in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_view_sensitive(request):
            readonly += [display for display, _mask in self.sensitive_fields.values()]
        return readonly

    def get_historical_record_context_helper(self, request, historical_record):
        if can_view_sensitive(request):
            return super().get_historical_record_context_helper(request, historical_record)
        masks = {field: mask for field, (_display, mask) in self.sensitive_fields.items()}
        return MaskingContextHelper(self.model, historical_record, masks)


def _admin_url(model, name: str, *args) -> str:
    return reverse(f"admin:customers_{model._meta.model_name}_{name}", args=args)


# --- Customers ---------------------------------------------------------------------------------


# Functions telling when the customer was last told, since the restriction began, that it will be
# lifted (GDPR Art. 18(3)), or None; the app that sends and records that notice adds one (requests.apps).
lift_notice_providers: list[Callable[[Customer], datetime | None]] = []


def lift_notice_sent_at(customer: Customer) -> datetime | None:
    """When the customer was last told that the restriction will be lifted, or None."""
    return max((when for provide in lift_notice_providers if (when := provide(customer))), default=None)


def restriction_banner(model_admin: admin.ModelAdmin, request: HttpRequest, customer: Customer) -> None:
    """Warn staff on the customer's pages that processing is restricted (GDPR Art. 18)."""
    if customer.restricted_at is None or request.method != "GET":
        return
    model_admin.message_user(
        request,
        format_html(
            "<strong>{}</strong> {}",
            _("Processing restricted (GDPR Art. 18) since %(date)s.")
            % {"date": date_format(localtime(customer.restricted_at), "SHORT_DATE_FORMAT")},
            _("Only store this data: no marketing or other processing until the restriction is lifted."),
        ),
        messages.WARNING,
    )
