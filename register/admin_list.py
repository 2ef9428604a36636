"""A change list's table and filters, written in Python, each column's work done once per page.

Django renders each row through ``items_for_result``: per cell it looks the column up again (a
``FieldDoesNotExist`` raised and caught for every display method), builds the choices' dictionary,
asks the admin for its empty value, and renders the row's checkbox through a form template. Fifty
rows of ten columns made that table more than half of a list page's time. ``result_list_html``
decides per column once what its cells need and writes the same HTML as Django's
``admin/change_list_results.html``; ``filter_html`` that of ``admin/filter.html`` (both checked for every
admin by ``tests/register/test_admin_list.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from html import escape as escape_text

from django.conf import settings
from django.contrib.admin.options import ModelAdmin
from django.contrib.admin.templatetags.admin_list import (
    _coerce_field_name,
    admin_list_filter,
    pagination,
    paginator_number,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters, admin_urlname
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import IS_FACETS_VAR, IS_POPUP_VAR, SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext, pgettext_lazy

from register.admin_base import Kept, StrictChangeList

# Stand-ins for a row's values in HTML rendered once per page.
_KEY, _LABEL = "__row_key__", "__row_label__"

Cell = Callable[[object], tuple[str, str]]


# The classes of gettext_lazy's and pgettext_lazy's text: each reads its arguments' translation in the
# active language, and nothing else.
_TRANSLATED_LATER = (type(gettext_lazy("")), type(pgettext_lazy("", "")))

# Escaped translations of lazy text, by its class, arguments and language.
_translations = Kept(2048)


def _escaped(value) -> str:
    """``conditional_escape(value)``; plain text escaped directly (Django's ``escape`` first checks every
    argument for lazy text, a cost paid once per cell), and lazy translations (the labels of choices and
    filters) looked up once per language."""
    if type(value) is str:
        return escape_text(value)
    if type(value) in _TRANSLATED_LATER:
        key = (type(value), value._args, get_language())
        return _translations.get(key, lambda: conditional_escape(value))
    return conditional_escape(value)


def capfirst_html(text) -> str:
    """``{{ text|capfirst }}`` as the template writes it."""
    shown = str(text)
    shown = shown[:1].upper() + shown[1:]
    return SafeString(shown) if isinstance(text, SafeData) else escape(shown)


# Column headers by admin, language, columns, query string and ordering: every page of a list, and
# every page of a filtered list, has the same headers.
_headers = Kept(512)


def _headers_html(cl) -> str:
    key = (
        type(cl.model_admin),
        get_language(),
        tuple(name if isinstance(name, str) else id(name) for name in cl.list_display),
        tuple(sorted((name, tuple(values)) for name, values in cl.filter_params.items())),
        None if cl.sortable_by is None else tuple(cl.sortable_by),
        tuple(cl.get_ordering_field_columns().items()),
    )
    return _headers.get(key, lambda: _headers_html_of(cl))


def _headers_html_of(cl) -> str:
    headers = list(result_headers(cl))
    sorted_count = sum(1 for h in headers if h["sortable"] and h["sorted"])
    html = []
    for header in headers:
        html.append(f'<th scope="col"{header["class_attrib"]}>')
        if header["sortable"] and header["sort_priority"] > 0:
            html.append(
                format_html(
                    '<div class="sortoptions"><a class="sortremove" href="{}" title="{}"></a>',
                    header["url_remove"],
                    SafeString(gettext("Remove from sorting")),
                )
            )
            if sorted_count > 1:
                priority = header["sort_priority"]
                title = gettext("Sorting priority: %(priority_number)s") % {"priority_number": priority}
                span = '<span class="sortpriority" title="{}">{}</span>'
                html.append(format_html(span, SafeString(title), priority))
            html.append(
                format_html(
                    '<a href="{}" class="toggle {}" title="{}"></a></div>',
                    header["url_toggle"],
                    "ascending" if header["ascending"] else "descending",
                    SafeString(gettext("Toggle sorting")),
                )
            )
        if header["sortable"]:
            text = format_html('<a href="{}">{}</a>', header["url_primary"], capfirst_html(header["text"]))
        else:
            text = format_html("<span>{}</span>", capfirst_html(header["text"]))
        html.append(f'<div class="text">{text}</div><div class="clear"></div></th>')
    return "".join(html)


def _split(html: str, *names: str) -> list[str]:
    """``html`` cut at each of ``names`` (in the order they appear): the fixed parts between them."""
    parts = []
    for name in names:
        before, html = html.split(name, 1)
        parts.append(before)
    return [*parts, html]


class _StandIn:
    """A row whose key and name are the stand-ins."""

    pk = _KEY

    def __str__(self) -> str:
        return _LABEL


# Each admin's row checkbox with stand-ins, by admin and language.
_checkboxes = Kept(256)


def _checkbox_cell(model_admin) -> Cell:
    """Django's row checkbox, rendered once with stand-ins; each row fills in its key and name."""
    template = _checkboxes.get(
        (type(model_admin), get_language()), lambda: str(ModelAdmin.action_checkbox(model_admin, _StandIn()))
    )
    # The name goes in through format_html (escaped), the key through the widget's template (escaped).
    label_first = template.index(_LABEL) < template.index(_KEY)
    names = (_LABEL, _KEY) if label_first else (_KEY, _LABEL)
    first, middle, last = _split(template, *names)

    def cell(obj) -> tuple[str, str]:
        key, label = _escaped(str(obj.pk)), _escaped(str(obj))
        values = (label, key) if label_first else (key, label)
        return "action-checkbox", f"{first}{values[0]}{middle}{values[1]}{last}"

    return cell


# Format characters that read only the date, and those that read only the hour and minute.
_DATE_ONLY = frozenset("bdDEFjlLmMnNoStwWyYz")
_CLOCK_ONLY = frozenset("aAfgGhHiP")


def datetime_shown() -> Callable[[datetime.datetime], str]:
    """How the admin shows a date and time (``formats.localize(timezone.template_localtime(value))``).

    Django splits the active language's format for every value, looks up the current time zone and
    translates month names and "a.m." each time. Here the format is split and the zone read once, and
    each part that reads only the date, or only the hour and minute, is worked out once per date or per
    minute (the whole text once per minute when the format has no other part); the text is the same.
    """
    parts: list[tuple[bool, str]] = []
    pieces = dateformat.re_formatchars.split(str(formats.get_format("DATETIME_FORMAT")))
    for index, piece in enumerate(pieces):
        if index % 2:
            parts.append((True, piece))
        elif piece:
            parts.append((False, dateformat.re_escaped.sub(r"\1", piece)))
    by_minute = all(piece in _DATE_ONLY or piece in _CLOCK_ONLY for is_code, piece in parts if is_code)
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    known: dict[tuple, str] = {}

    def text_of(local: datetime.datetime) -> str:
        formatter = None
        text = []
        for is_code, piece in parts:
            if not is_code:
                text.append(piece)
                continue
            if piece in _DATE_ONLY:
                key = (piece, local.year, local.month, local.day)
            elif piece in _CLOCK_ONLY:
                key = (piece, local.hour, local.minute)
            else:
                key = None
            part = known.get(key) if key else None
            if part is None:
                if formatter is None:
                    formatter = dateformat.DateFormat(local)
                part = str(getattr(formatter, piece)())
                if key:
                    known[key] = part
            text.append(part)
        return "".join(text)

    def shown(value: datetime.datetime) -> str:
        # timezone.template_localtime(), with the zone read once.
        aware = zone is not None and value.utcoffset() is not None
        local = value.astimezone(zone) if aware and getattr(value, "convert_to_local_time", True) else value
        if not by_minute:
            return text_of(local)
        minute = (local.year, local.month, local.day, local.hour, local.minute)
        text = known.get(minute)
        if text is None:
            text = known[minute] = text_of(local)
        return text

    return shown


# A field's labels by value, translated and escaped, by field and language (fields with a fixed list).
_choices = Kept(512)


def _choices_shown(field) -> dict | None:
    """``{value: escaped label}`` of a field with choices; None when a value cannot be a key."""

    def shown() -> dict | None:
        try:
            return {value: conditional_escape(label) for value, label in field.flatchoices}
        except TypeError:
            return None

    if not isinstance(field.choices, list | tuple):
        return shown()  # choices from a callable: read again for every page
    return _choices.get((field, get_language()), shown)


def _field_cell(name: str, field, class_name: str, empty: str, link: bool) -> Cell:
    """A model field's cells, as ``items_for_result`` shows them."""
    classes = class_name
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes += " nowrap"
    if isinstance(field.remote_field, models.ManyToOneRel):

        def related(obj) -> tuple[str, str]:
            try:
                getattr(obj, name)
                value = getattr(obj, field.name)
            except ObjectDoesNotExist:
                return class_name, empty
            return classes, empty if value is None else _escaped(value)

        return related

    shown: Callable[[object], str]
    choices = None
    if getattr(field, "flatchoices", None):
        choices = _choices_shown(field)
    if choices is not None:

        def shown(value):
            try:
                return choices.get(value, empty)
            except TypeError:
                return display_for_field(value, field, empty, avoid_link=link)

    elif (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.URLField)
        and not field.flatchoices
    ):

        def shown(value):
            if type(value) is not str:
                return display_for_field(value, field, empty, avoid_link=link)
            return empty if value == "" else value

    elif isinstance(field, models.BooleanField):
        # The three icons, each looked up in the static files once per page.
        icons: dict = {}

        def shown(value):
            if not (value is True or value is False or value is None):
                return display_for_field(value, field, empty, avoid_link=link)
            if value not in icons:
                icons[value] = display_for_field(value, field, empty, avoid_link=link)
            return icons[value]

    elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        # Dates repeat down a list (a due date, a day of receipt): each formatted once per page.
        dates: dict = {}

        def shown(value):
            if type(value) is not datetime.date:
                return display_for_field(value, field, empty, avoid_link=link)
            if value not in dates:
                dates[value] = display_for_field(value, field, empty, avoid_link=link)
            return dates[value]

    elif isinstance(field, models.DateTimeField):
        moment = datetime_shown()

        def shown(value):
            if type(value) is not datetime.datetime:
                return display_for_field(value, field, empty, avoid_link=link)
            return moment(value)

    else:

        def shown(value):
            return display_for_field(value, field, empty, avoid_link=link)

    def cell(obj) -> tuple[str, str]:
        try:
            value = getattr(obj, name)
        except ObjectDoesNotExist:
            return class_name, empty
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return classes, _escaped(shown(value))

    return cell


def _display_cell(name, model_admin, class_name: str, empty: str) -> Cell:
    """A column shown by a callable, a method of the admin, or an attribute of the model."""
    if callable(name):
        attr = name
    elif hasattr(model_admin, name) and name != "__str__":
        attr = getattr(model_admin, name)
    else:
        attr = None

    def traits(found) -> tuple[str, bool]:
        """The column's empty value and whether it shows yes/no icons."""
        boolean = getattr(found, "boolean", False)
        if isinstance(found, property) and hasattr(found, "fget"):
            boolean = getattr(found.fget, "boolean", False)
        return getattr(found, "empty_value_display", empty), boolean

    # A method or callable column's traits, looked up once per page.
    fixed = traits(attr) if attr is not None else None

    # The three icons of a yes/no column, each looked up in the static files once per page.
    icons: dict = {}
    dates: dict = {}
    moment = datetime_shown()

    def cell(obj) -> tuple[str, str]:
        try:
            if attr is not None:
                value = attr(obj)
                shown_empty, boolean = fixed
            else:
                _field, found, value = lookup_field(name, obj, model_admin)
                shown_empty, boolean = traits(found)
        except ObjectDoesNotExist:
            return class_name, empty
        if type(value) is SafeString and not boolean and value.strip():
            return class_name, value  # markup the admin built (format_html)
        if type(value) is str and not boolean and value.strip():
            return class_name, escape_text(value)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if boolean and (value is True or value is False or value is None):
            if value not in icons:
                icons[value] = display_for_value(value, shown_empty, boolean)
            return class_name, icons[value]
        if type(value) is datetime.date:
            # A date repeats down a list: formatted once per page.
            if value not in dates:
                dates[value] = conditional_escape(display_for_value(value, shown_empty, boolean))
            return f"{class_name} nowrap", dates[value]
        if type(value) is datetime.datetime and not boolean:
            return f"{class_name} nowrap", _escaped(moment(value))
        shown = _escaped(display_for_value(value, shown_empty, boolean))
        if isinstance(value, datetime.date | datetime.time):
            return f"{class_name} nowrap", shown
        return class_name, shown

    return cell


def _columns(cl) -> list[tuple[Cell, str | None]]:
    """Each column's cell function and, for a column linking to the change page, its tag."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    links = cl.list_display_links
    first = True
    columns = []
    for index, name in enumerate(cl.list_display):
        class_name = f"field-{_coerce_field_name(name, index)}"
        link = links is not None and ((first and not links) or name in links)
        tag = None
        if link:
            tag, first = ("th" if first else "td"), False
        if name == "action_checkbox" and type(model_admin).action_checkbox is ModelAdmin.action_checkbox:
            cell = _checkbox_cell(model_admin)
        else:
            try:
                field = _get_non_gfk_field(cl.lookup_opts, name) if isinstance(name, str) else None
            except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
                field = None
            if field is None or field.auto_created:
                cell = _display_cell(name, model_admin, class_name, empty)
                if name == "action_checkbox":
                    cell = _renamed(cell, "action-checkbox")
            else:
                cell = _field_cell(name, field, class_name, empty, link)
        columns.append((cell, tag))
    return columns


def _renamed(cell: Cell, class_name: str) -> Cell:
    def renamed(obj) -> tuple[str, str]:
        classes, html = cell(obj)
        return class_name, html

    return renamed


# Django's add_preserved_filters, by everything its answer depends on.
_filters_kept = Kept(1024)


def preserved_filters_link(context: dict, url: str, popup=False, to_field=None) -> str:
    """``add_preserved_filters(context, url, popup, to_field)``, once per link, filters and URLconf.

    Django resolves the link against the URLconf to tell whether it is the list itself (whose filters
    are then unwrapped): some 0.5 ms a link, twice on every page of a filtered list (the rows' link and
    the add link).
    """
    opts = context.get("opts")
    if context.get("preserved_qsl"):
        return add_preserved_filters(context, url, popup, to_field)
    key = (
        url,
        context.get("preserved_filters"),
        opts.label if opts else None,
        bool(popup),
        to_field,
        settings.ROOT_URLCONF,
        get_urlconf(),
        get_script_prefix(),
    )
    return _filters_kept.get(key, lambda: add_preserved_filters(context, url, popup, to_field))


def _row_link(cl) -> Callable[[object], str] | None:
    """The function giving a row's escaped link to its change page, filters kept; None without one."""
    try:
        template = cl.change_url_template
    except NoReverseMatch:
        return None
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    first, last = _split(escape(preserved_filters_link(context, template)), cl.PK_PLACEHOLDER)
    attname = cl.pk_attname

    def link(obj) -> str:
        return f"{first}{_escaped(cl.quoted_key(getattr(obj, attname)))}{last}"

    return link


def renders_in_python(cl) -> bool:
    """Whether ``result_list_html`` writes this list: the project's lists, not editable, not in a pop-up."""
    return isinstance(cl, StrictChangeList) and not cl.formset and not cl.is_popup


def result_list_html(cl) -> SafeString:
    """The HTML of Django's ``{% result_list cl %}`` for a list without editable rows or pop-up."""
    hidden = list(result_hidden_fields(cl))
    html = []
    if hidden:
        html.append(f'<div class="hiddenfields">{"".join(hidden)}</div>')
    results = cl.result_list
    if not results:
        return SafeString("".join(html))
    columns = _columns(cl)
    link = _row_link(cl)
    html.append('<div class="results"><table id="result_list"><thead><tr>')
    html.append(_headers_html(cl))
    html.append("</tr></thead><tbody>")
    for obj in results:
        html.append("<tr>")
        for cell, tag in columns:
            classes, shown = cell(obj)
            if tag is None:
                html.append(f'<td class="{classes}">{shown}</td>')
            elif link is None:
                html.append(f'<{tag} class="{classes}">{shown}</{tag}>')
            else:
                html.append(f'<{tag} class="{classes}"><a href="{link(obj)}">{shown}</a></{tag}>')
        html.append("</tr>")
    html.append("</tbody></table></div>")
    return SafeString("".join(html))


def filter_html(cl, spec) -> SafeString:
    """The HTML of Django's ``{% admin_list_filter cl spec %}`` for a filter of ``admin/filter.html``."""
    title = _escaped(spec.title)
    items = []
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        href = escape(iri_to_uri(choice["query_string"]))
        items.append(f'<li{selected}><a href="{href}">{_escaped(choice["display"])}</a></li>')
    # {% blocktranslate %} keeps the spaces around its text; the template's own line breaks stay too.
    summary = "\n    " + gettext(" By %(filter_title)s ") % {"filter_title": title} + "\n  "
    choices = "".join(items)
    return SafeString(
        f'<details data-filter-title="{title}" open><summary>{summary}</summary><ul>{choices}</ul></details>'
    )


def spec_html(cl, spec) -> SafeString:
    """A list filter of a list ``renders_in_python`` accepts: ``filter_html`` for a filter of
    ``admin/filter.html``, Django's ``{% admin_list_filter %}`` for one with a template of its own."""
    if spec.template == "admin/filter.html":
        return filter_html(cl, spec)
    return admin_list_filter(cl, spec)


def _value(value) -> str:
    """``{{ value }}`` as a template writes it: localized (numbers, dates), then escaped."""
    return _escaped(formats.localize(value))


def actions_html(context) -> SafeString:
    """The HTML of Django's ``{% admin_actions %}`` (``admin/actions.html``), counting the action bars
    of the page in ``action_index`` as the tag does."""
    context["action_index"] = index = context.get("action_index", -1) + 1
    fields = "".join(
        f"<label>{_escaped(field.label)} {field}</label>" if field.label else str(field)
        for field in context["action_form"]
    )
    html = [
        f'<div class="actions">\n    {fields}\n    <button type="submit" class="button" title="'
        f'{gettext("Run the selected action")}" name="index" value="{_value(index or 0)}">'
        f"{gettext('Go')}</button>\n    "
    ]
    if context.get("actions_selection_counter"):
        cl = context["cl"]
        shown = len(cl.result_list)
        html.append(
            f'<span class="action-counter" data-actions-icnt="{_value(shown)}">'
            f"{_escaped(context.get('selection_note', ''))}</span>\n"
        )
        if cl.result_count != shown:
            select_all = gettext("Select all %(total_count)s %(module_name)s") % {
                "total_count": _value(cl.result_count),
                "module_name": _value(context.get("module_name", "")),
            }
            html.append(
                f'        <span class="all hidden">{_escaped(context.get("selection_note_all", ""))}</span>\n'
                '        <span class="question hidden">\n'
                '            <a role="button" href="#" title="'
                f'{gettext("Click here to select the objects across all pages")}">{select_all}</a>\n'
                "        </span>\n"
                '        <span class="clear hidden"><a role="button" href="#">'
                f"{gettext('Clear selection')}</a></span>\n"
            )
    html.append("</div>")
    return SafeString("".join(html))


def search_form_html(cl) -> SafeString:
    """The HTML of ``{% search_form cl %}`` (the project's ``admin/search_form.html``)."""
    if not cl.search_fields:
        return SafeString("")
    helped = ' aria-describedby="searchbar_helptext"' if cl.search_help_text else ""
    html = [
        '<div id="toolbar"><form id="changelist-search" method="get" role="search">\n'
        "<div><!-- DIV needed for valid HTML -->\n"
        f'<label for="searchbar"><img src="{_escaped(static("admin/img/search.svg"))}" '
        f'alt="{gettext("Search")}"></label>\n'
        f'<input type="text" size="40" name="{SEARCH_VAR}" value="{_value(cl.query)}" '
        f'id="searchbar"{helped}>\n'
        f'<input type="submit" value="{gettext("Search")}">\n'
    ]
    if cl.result_count != cl.full_result_count:
        counted = ngettext("%(counter)s result", "%(counter)s results", cl.result_count) % {
            "counter": _value(cl.result_count)
        }
        query = ""
        if cl.is_popup:
            query = f"{IS_POPUP_VAR}=1" + ("&" if cl.add_facets else "")  # the template's own "&"
        if cl.add_facets:
            query += IS_FACETS_VAR
        if cl.show_full_result_count:
            total = gettext("%(full_result_count)s total") % {
                "full_result_count": _value(cl.full_result_count)
            }
        else:
            total = gettext("Show all")
        html.append(f'    <span class="small quiet">{counted} (<a href="?{query}">{total}</a>)</span>\n')
    for name, value in cl.params.items():
        if name != SEARCH_VAR:
            html.append(f'    <input type="hidden" name="{_value(name)}" value="{_value(value)}">\n')
    html.append("</div>\n")
    if cl.search_help_text:
        html.append(
            '<br class="clear">\n'
            f'<div class="help" id="searchbar_helptext">{_value(cl.search_help_text)}</div>\n'
        )
    html.append("</form></div>")
    return SafeString("".join(html))


def pagination_html(cl) -> SafeString:
    """The HTML of ``{% pagination cl %}`` (the project's ``admin/pagination.html``)."""
    context = pagination(cl)
    html = ['<p class="paginator">\n']
    if context["pagination_required"]:
        html.extend(f"    {paginator_number(cl, number)}\n" for number in context["page_range"])
    paginator = cl.paginator
    if paginator.estimated:
        count = gettext("about %(count)s") % {"count": _value(cl.result_count)}
    elif paginator.at_least:
        count = gettext("more than %(count)s") % {"count": _value(cl.result_count)}
    else:
        count = _value(cl.result_count)
    name = cl.opts.verbose_name if cl.result_count == 1 else cl.opts.verbose_name_plural
    html.append(f"{count} {_value(name)}\n")
    if context["show_all_url"]:
        html.append(
            f'<a href="{_escaped(context["show_all_url"])}" class="showall">{gettext("Show all")}</a>\n'
        )
    if cl.formset and cl.result_count:
        html.append(f'<input type="submit" name="_save" class="default" value="{gettext("Save")}">\n')
    html.append("</p>")
    return SafeString("".join(html))


def current_app(context) -> str | None:
    """The admin site a page's ``{% url %}`` tags reverse in, found as the tag finds it."""
    request = context.get("request")
    app = getattr(request, "current_app", None)
    if app is None:
        app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return app


def object_tools_html(context) -> SafeString:
    """The HTML of Django's ``{% change_list_object_tools %}``: the add link, filters kept."""
    if not context.get("has_add_permission"):
        return SafeString("")
    opts = context["cl"].opts
    try:
        url = reverse(admin_urlname(opts, "add"), current_app=current_app(context))
    except NoReverseMatch:
        url = ""
    link = preserved_filters_link(
        {"preserved_filters": context.get("preserved_filters"), "opts": context.get("opts")},
        url,
        context.get("is_popup"),
        context.get("to_field"),
    )
    added = gettext("Add %(name)s") % {"name": _value(opts.verbose_name)}
    return SafeString(
        f'\n  <li>\n    <a href="{_escaped(link)}" class="addlink">\n      {added}\n    </a>\n  </li>\n'
    )
