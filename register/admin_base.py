"""Admin bases every admin of the project builds on.

- ``StrictAdminMixin`` (in every base below): a hostile query string gets a message, never a 500,
  and fields declared with ``protect_fields`` (masked identifiers) are never filtered, ordered or
  searched by staff without the permission to see them, since a list that answers "one row or
  none" reveals a masked value a character at a time.
- ``ModelAdmin``: the plain base. ``HistoryAdmin``: a model kept with django-simple-history, whose
  past versions staff may read but never write back.
- ``ReadOnlyAdmin``: records that are evidence (consent events, published notices, purge reports,
  erasure records, correspondence) prove what the controller did (GDPR Art. 5(2)); only the code
  that writes them may touch them.

Every app uses these bases, so they live in the lowest one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote as url_quote

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import FieldListFilter, helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError, models
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query import ModelIterable
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language, gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model

from register.admin_counts import EstimatedCountPaginator
from register.admin_html import RENDERER, STACKED_INLINE_TEMPLATE, TABULAR_INLINE_TEMPLATE, python_written
from register.list_rows import ListRows

# model label -> {field name: permission that lets a user filter, order and search by it}
_protected_fields: dict[str, dict[str, str]] = {}

# Lookups no list offers: a pattern of the user's choosing runs in the database.
REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


def protect_fields(model_label: str, fields: Iterable[str], permission: str) -> None:
    """Keep ``fields`` of a model out of every admin's filters, ordering and search.

    Users without ``permission`` (``app_label.codename``) get a refusal (HTTP 400) for any list
    lookup that reaches one of the fields, directly or through relations; ordering and search
    leave them out. The app that owns the fields declares them (``customers.contacts``).
    """
    _protected_fields.setdefault(model_label.lower(), {}).update(dict.fromkeys(fields, permission))


def protected_permission(model: type[models.Model], field_name: str) -> str | None:
    """The permission a user needs to filter by ``model.field_name``, or None if it is not protected."""
    # A django-simple-history copy holds the same values as the model it keeps.
    model = getattr(model, "instance_type", None) or model
    return _protected_fields.get(model._meta.label_lower, {}).get(field_name)


def _field(model: type[models.Model], name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _path_fields(model: type[models.Model], path: str) -> Iterator[tuple[type[models.Model], str]]:
    """The (model, field name) pairs a lookup path reads (``order__customer__identity_number__gt``)."""
    for part in path.lstrip("-").split(LOOKUP_SEP):
        field = _field(model, part)
        if field is None:
            return
        yield model, field.name
        if not field.is_relation or field.related_model is None:
            return
        model = field.related_model


def _names_in(expression) -> Iterator[str]:
    """The field paths an ordering entry refers to: a string, or the F() names inside an expression."""
    if isinstance(expression, str):
        yield expression
        return
    if isinstance(expression, models.F):
        yield expression.name
        return
    for source in getattr(expression, "get_source_expressions", list)():
        if source is not None:
            yield from _names_in(source)


class StrictChangeList(ChangeList):
    """A change list that turns every value the database cannot take into a refusal, not a 500."""

    def __init__(self, request: HttpRequest, *args, **kwargs):
        # The ordering columns are chosen before ChangeList keeps anything of the request.
        self.request = request
        super().__init__(request, *args, **kwargs)

    def get_filters(self, request):
        try:
            filters = super().get_filters(request)
        except (ValueError, ArithmeticError) as exc:
            # A date-hierarchy value such as year 9999 and month 12 overflows the next month.
            raise IncorrectLookupParameters(exc) from exc
        # A field's filter not in use filters by an empty Q(), which copies the whole query again (three
        # times a page on the request list, whose three field filters are seldom all in use).
        for spec in filters[0]:
            if (
                isinstance(spec, FieldListFilter)
                and not spec.used_parameters
                and type(spec).queryset is FieldListFilter.queryset
            ):
                spec.queryset = _unfiltered
        return filters

    def get_ordering_field(self, field_name):
        order_field = super().get_ordering_field(field_name)
        if order_field is not None and self.model_admin.touches_protected(self.request, order_field):
            return None
        return order_field

    def get_query_string(self, new_params=None, remove=None):
        """Django's, kept by its inputs (``_query_strings``): a list page asks for some fifty (each filter
        choice, each page number, each column's sorting), the same ones on every view of the list."""
        try:
            key = (_frozen(self.filter_params), _frozen(new_params or {}), tuple(remove or ()))
            hash(key)
        except TypeError:
            return super().get_query_string(new_params, remove)
        return _query_strings.get(
            key, lambda: super(StrictChangeList, self).get_query_string(new_params, remove)
        )

    # Stands for the primary key in the change page's address, reversed once per list.
    PK_PLACEHOLDER = "__pk__"

    @cached_property
    def change_url_template(self) -> str:
        """The change page's address with ``PK_PLACEHOLDER`` for the key (raises NoReverseMatch)."""
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.PK_PLACEHOLDER,),
            current_app=self.model_admin.admin_site.name,
        )

    @staticmethod
    def quoted_key(key) -> str:
        """The key as it stands in an address: the admin's own quoting, then the percent-encoding
        reverse() gives every argument."""
        return url_quote(quote(str(key)), safe=RFC3986_SUBDELIMS + "/~:@")

    def url_for_result(self, result) -> str:
        """The row's change page as Django makes it, the URL pattern resolved once per page, not per row."""
        key = self.quoted_key(getattr(result, self.pk_attname))
        return self.change_url_template.replace(self.PK_PLACEHOLDER, key, 1)

    def get_results(self, request):
        # Values the ORM accepted may still be refused when the query is built or run: a year out
        # of range, a number that does not fit. What PostgreSQL itself would refuse (a NUL in text,
        # a broken regular expression) is refused before the query (StrictAdminMixin); should it
        # still refuse a value, requests run in autocommit, so the failed statement breaks nothing.
        # An admin naming the columns its list shows reads only those for the page's rows; counts,
        # filters and actions keep the whole queryset. The rows are built by ListRows.
        columns = getattr(self.model_admin, "list_columns", None)
        whole = self.queryset
        rows = whole.only(*columns) if columns else whole._chain()
        if rows._iterable_class is ModelIterable:
            rows._iterable_class = ListRows
        self.queryset = rows
        try:
            super().get_results(request)
            shown = len(self.result_list)  # run the page's query here, not while the template renders
        except (ValueError, ArithmeticError, ValidationError, DataError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        finally:
            self.queryset = whole
        self._count_from_a_short_page(shown)

    def _count_from_a_short_page(self, shown: int) -> None:
        """Correct an estimated count by the page: a page with fewer rows than a full one is the last.

        The planner may guess tens of thousands of rows for a search that finds a handful; the list
        would say "about 49,995" and offer a thousand pages above three rows. A short page tells the
        exact count; an empty page past the first is past the end, refused as Django refuses a page
        number beyond the last.
        """
        paginator = self.paginator
        if not (getattr(paginator, "estimated", False) or getattr(paginator, "at_least", False)):
            return
        if not self.multi_page or self.show_all or shown >= self.list_per_page:
            return
        if not shown and self.page_num > 1:
            raise IncorrectLookupParameters
        count = (self.page_num - 1) * self.list_per_page + shown
        paginator.estimated = paginator.at_least = False
        paginator.__dict__["count"] = count
        paginator.__dict__.pop("num_pages", None)
        self.result_count = count
        self.can_show_all = count <= self.list_max_show_all
        self.multi_page = count > self.list_per_page


def _unfiltered(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """What a field's list filter not in use makes of the list's queryset: the queryset itself."""
    return queryset


def _frozen(params: dict) -> tuple:
    """``params`` (a change list's query parameters, lists of values among them) as a key."""
    return tuple((name, tuple(value) if isinstance(value, list) else value) for name, value in params.items())


class Kept:
    """Values (HTML, addresses, query strings, app lists) kept by everything they depend on, for the life
    of the process.

    A key holds every input of the value (the language among them), so a kept value is never stale; at
    ``limit`` keys all are forgotten at once, which bounds the memory a stream of distinct keys takes.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: dict[tuple, object] = {}

    def get(self, key: tuple, compute: Callable[[], object]):
        value = self._values.get(key)
        if value is None:
            if len(self._values) >= self.limit:
                self._values.clear()
            value = self._values[key] = compute()
        return value

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        self._values.clear()


# A change list's query strings by its parameters and the change asked for (StrictChangeList).
_query_strings = Kept(4096)

# Widget HTML rendered for the action bar of change lists, by everything the HTML depends on.
_kept_widgets = Kept(512)


class _KeptRender:
    """A widget whose HTML is rendered once for the same name, value, attributes, choices and language.

    Every page of a change list shows the same action bar (a select of the admin's actions and a hidden
    field); Django renders both through form templates on every page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((key, str(label)) for key, label in getattr(self, "choices", ()))
        key = (
            type(self),
            type(renderer),
            get_language(),
            name,
            repr(value),
            repr(sorted(self.build_attrs(self.attrs, attrs).items())),
            choices,
            self.is_required,
        )
        return _kept_widgets.get(key, lambda: super(_KeptRender, self).render(name, value, attrs, renderer))


class _KeptSelect(_KeptRender, forms.Select):
    pass


class _KeptHidden(_KeptRender, forms.HiddenInput):
    pass


class ActionForm(helpers.ActionForm):
    """Django's action bar form, its two fields rendered once per admin, language and value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        action, across = self.fields["action"], self.fields["select_across"]
        action.widget = _KeptSelect(action.widget.attrs)
        action.widget.choices = action.choices
        action.widget.is_required = action.required
        across.widget = _KeptHidden(across.widget.attrs)


# The project's change list template, and the one that writes the whole page in Python (staff.list_page).
_PROJECT_CHANGE_LIST = str(settings.BASE_DIR / "templates" / "admin" / "change_list.html")
PYTHON_CHANGE_LIST = "admin/change_list_python.html"


class StrictAdminMixin:
    """Hostile query strings get a message, never a 500; protected fields stay out of every list; lists
    of big tables count their rows only up to a threshold (``EstimatedCountPaginator``).

    Applies to any ModelAdmin; every admin registered in the project uses it (a test walks them).
    """

    action_form = ActionForm

    def changelist_view(self, request, extra_context=None):
        """Django's change list; its whole page written in Python (``admin/change_list_python.html``)
        where ``renders_in_python`` accepts the list and the page's template is the project's own
        ``admin/change_list.html`` (a model or app with a template of its own keeps it)."""
        from register.admin_list import renders_in_python

        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if (
            isinstance(response, TemplateResponse)
            and not response.is_rendered
            and self.change_list_template is None
            and renders_in_python(context.get("cl"))
            and select_template(response.template_name).origin.name == _PROJECT_CHANGE_LIST
        ):
            response.template_name = PYTHON_CHANGE_LIST
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The widgets, labels and fieldsets of every change form are written in Python, the same HTML
        # as Django's templates (register.admin_html): the form class is made afresh for each request.
        form = super().get_form(request, obj, change=change, **kwargs)
        if form.default_renderer is None:
            form.default_renderer = RENDERER
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return python_written(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        # A formset hands its own renderer to its forms; each class here is made for this request.
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.renderer = RENDERER
            yield formset, inline

    # Above 10,000 rows a list says "about N" (PostgreSQL's estimate), and a search says "Show all"
    # instead of counting the whole table again.
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def touches_protected(self, request: HttpRequest, path_or_expression) -> bool:
        """Whether an ordering entry or lookup path reaches a field ``request.user`` may not filter by."""
        for path in _names_in(path_or_expression):
            for model, name in _path_fields(self.model, path):
                permission = protected_permission(model, name)
                if permission is not None and not request.user.has_perm(permission):
                    return True
        return False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        if request is not None and self.touches_protected(request, lookup):
            return False
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_filter(self, request):
        def path(item):
            return item[0] if isinstance(item, (list, tuple)) else item

        return [
            item
            for item in super().get_list_filter(request)
            if not (isinstance(path(item), str) and self.touches_protected(request, path(item)))
        ]

    def get_search_fields(self, request):
        return [
            name
            for name in super().get_search_fields(request)
            if not self.touches_protected(request, name.lstrip("^=@"))
        ]

    def get_ordering(self, request):
        return [
            entry for entry in super().get_ordering(request) if not self.touches_protected(request, entry)
        ]

    def get_sortable_by(self, request):
        sortable = super().get_sortable_by(request)
        return [name for name in sortable if not self._orders_by_protected(request, name)]

    def _orders_by_protected(self, request: HttpRequest, name) -> bool:
        if not isinstance(name, str):
            return False
        if _field(self.model, name) is not None:
            return self.touches_protected(request, name)
        attribute = getattr(self, name, None) or getattr(self.model, name, None)
        if isinstance(attribute, property):
            attribute = attribute.fget
        order_field = getattr(attribute, "admin_order_field", None)
        return order_field is not None and self.touches_protected(request, order_field)

    def get_changelist(self, request, **kwargs):
        return StrictChangeList

    def get_changelist_instance(self, request):
        try:
            if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
                raise IncorrectLookupParameters("NUL in the query string")
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters:
            # The admin then shows the whole list (its "?e=1" address); say why.
            if ERROR_FLAG not in request.GET:
                self.message_user(
                    request,
                    gettext(
                        "The list cannot be filtered, searched or paged that way, so it is shown unfiltered."
                    ),
                    messages.WARNING,
                )
            raise


class ModelAdmin(StrictAdminMixin, admin.ModelAdmin):
    """The base of the project's admins."""


class ChoiceLabelsContextHelper(HistoricalRecordContextHelper):
    """Show a change as staff read it: choices by their labels ("In progress"), not their codes, and
    times in the shop's time zone in the reader's format."""

    def prepare_delta_change_value(self, change, value):
        if value is None or value == "":
            return "–"
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
        if isinstance(value, datetime.date):
            return formats.localize(value)
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list | dict):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(StrictAdminMixin, SimpleHistoryAdmin):
    """A model kept with django-simple-history: its past versions are shown, never written back.

    django-simple-history's page of one past version is a "revert" form that saves on POST after
    checking only the view permission. Here that page only shows the version, every field
    read-only, and refuses any other method; changes go through the change form and its permission.
    Ids that are not ids get a 404.
    """

    # Fields a past version shows through a display method of the admin (a list of codes by their
    # labels): {"records": "records_shown"}.
    past_version_displays: dict[str, str] = {}

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        swap = self.past_version_displays
        if not (swap and getattr(request, "showing_past_version", False)):
            return fieldsets

        def shown(item):
            return (
                tuple(swap.get(name, name) for name in item)
                if isinstance(item, tuple | list)
                else swap.get(item, item)
            )

        return [
            (title, {**options, "fields": [shown(f) for f in options["fields"]]})
            for title, options in fieldsets
        ]

    # django-simple-history's own titles have no sv or fi translation: the project's catalogues do.
    def history_view_title(self, request, obj) -> str:
        return gettext("History of %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj) -> str:
        return gettext("Earlier version of %(object)s") % {"object": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        return ChoiceLabelsContextHelper(self.model, historical_record)

    def _check_id(self, model: type[models.Model], value: str) -> None:
        try:
            model._meta.pk.to_python(unquote(value))
        except ValidationError as exc:
            raise Http404 from exc

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # django-simple-history follows the tracked foreign keys with select_related(*names); for a
        # model without one that is a bare select_related(), which drops the history user it asked
        # for, and the page then reads each version's user on its own.
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("history_user")

    def history_view(self, request, object_id, extra_context=None):
        self._check_id(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_id(self.model, object_id)
        self._check_id(get_history_model_for_model(self.model), version_id)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        request.showing_past_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not getattr(request, "showing_past_version", False):
            return readonly
        # Every field of the form is shown as text (get_fieldsets asks back for the read-only fields).
        request.showing_past_version = False
        try:
            shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        finally:
            request.showing_past_version = True
        readonly += list(self.past_version_displays.values())
        return readonly + [name for name in shown if name not in readonly]


class ReadOnlyAdminMixin:
    """Refuse add, change and delete for everyone; view permission still decides who may look."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class NoDeleteAdminMixin:
    """No delete in the admin, for anyone, superusers included: for models holding personal data.

    Django's delete would leave the data in the history tables and the admin log and write no
    erasure record. A customer's data goes through erasure (an erasure request, with its preview
    and record); old bookkeeping records go through the retention job. The delete action goes with
    the permission.
    """

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """A ModelAdmin of records that are evidence: listed and shown, never edited here."""


class _PythonWrittenInline:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return python_written(super().formfield_for_dbfield(db_field, request, **kwargs))


class StackedInline(_PythonWrittenInline, admin.StackedInline):
    """Django's stacked inline, with its fieldsets written in Python (``register.admin_html``)."""

    template = STACKED_INLINE_TEMPLATE


class TabularInline(_PythonWrittenInline, admin.TabularInline):
    """Django's tabular inline, with its rows' cells written in Python (``register.admin_html``)."""

    template = TABULAR_INLINE_TEMPLATE


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    """An inline of records that are evidence: every field shown read-only, no empty extra rows.

    ``select_related`` names the foreign keys the inline shows, fetched in the same query.
    """

    extra = 0
    can_delete = False
    select_related: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(*self.select_related)
