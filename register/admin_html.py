"""The change form's commonest HTML written in Python: the same bytes as Django's templates, faster.

Django renders every widget, label and (empty) error list of a change form from a template, and every
field of a fieldset through ``admin/includes/fieldset.html``: on the customer's change page, with some
thirty fields, that template work is most of the page's time. ``PythonFormRenderer`` writes the
templates of the plain widgets, labels and empty error lists, and ``fieldset_html`` the fieldset
template, directly (``tabular_cells_html`` a tabular inline's cells); ``tests/staff/test_admin_html.py``
checks they give what the templates give. ``python_written`` hands Django's related-widget wrapper the
form's renderer for the select inside it, which Django renders with the default template renderer.

Each writer is used only while the templates it stands for are the ones it was written from (their
SHA-256, checked once per process): another Django version, or a project template of the same name,
falls back to the template itself.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from html import escape as escape_text
from types import SimpleNamespace

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import SafeData, SafeString

# What ``{{ value }}`` does to a value in a template of Django's engines: localtime, localize, escape.
_TEMPLATE_CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)


def _var(value) -> str:
    """``{{ value }}``."""
    # Plain and safe strings, most values here, pass localtime and localize unchanged.
    kind = type(value)
    if kind is SafeString:
        return value
    if kind is str:
        # Django's escape() is this, after checking every argument for lazy text (some 30,000 calls on
        # the register's page).
        return escape_text(value)
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _str(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe filter: safe input stays unescaped)."""
    text = stringformat(value, "s")
    return _var(SafeString(text) if isinstance(value, SafeData) else text)


def _get(mapping: dict, key: str):
    # A missing key reads as "" in a template (string_if_invalid).
    return mapping.get(key, "")


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html`` and ``django/forms/attrs.html``."""
    return "".join(
        f" {_var(name)}" if value is True else f' {_var(name)}="{_str(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """``django/forms/widgets/input.html``."""
    value = _get(widget, "value")
    shown = f' value="{_str(value)}"' if value is not None else ""
    return (
        f'<input type="{_var(_get(widget, "type"))}" name="{_var(_get(widget, "name"))}"{shown}'
        f"{_attrs(_get(widget, 'attrs') or {})}>\n"
    )


# The widget templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = tuple(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "email",
        "url",
        "number",
        "password",
        "hidden",
        "date",
        "time",
        "datetime",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)


def _included_input(context: dict) -> str:
    return _input(context["widget"]) + "\n"


def _select(context: dict) -> str | None:
    widget = context["widget"]
    html = [f'<select name="{_var(_get(widget, "name"))}"{_attrs(_get(widget, "attrs") or {})}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_var(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != SELECT_OPTION:
                return None
            html.append(
                f'\n  <option value="{_str(_get(option, "value"))}"{_attrs(_get(option, "attrs") or {})}>'
                f"{_var(_get(option, 'label'))}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>\n")
    return "".join(html)


def _textarea(context: dict) -> str:
    widget = context["widget"]
    value = _get(widget, "value")
    return (
        f'<textarea name="{_var(_get(widget, "name"))}"{_attrs(_get(widget, "attrs") or {})}>\n'
        f"{_var(value) if value else ''}</textarea>\n"
    )


def _label(context: dict) -> str:
    """``django/forms/label.html``: a field's label, as ``BoundField.label_tag`` asks for it."""
    label = _var(_get(context, "label"))
    if not context.get("use_tag"):
        return label + "\n"
    tag = _var(_get(context, "tag"))
    return f"<{tag}{_attrs(_get(context, 'attrs') or {})}>{label}</{tag}>\n"


def _error_list(context: dict) -> str | None:
    """``django/forms/errors/list/ul.html`` when there is no error (else the template)."""
    return "" if not context.get("errors") else None


def _hidden_fields_only(context: dict) -> str | None:
    """``django/forms/div.html`` for a form of hidden fields and no errors (a formset's management form),
    else the template."""
    if context.get("fields") or context.get("errors"):
        return None
    return "".join(_var(field) for field in context.get("hidden_fields", ()))


def _multiwidget(context: dict) -> str | None:
    """``django/forms/widgets/multiwidget.html`` (and the split hidden date and time that include it), when
    every part is a plain input."""
    parts = context["widget"]["subwidgets"]
    if any(part.get("template_name") not in INPUT_TEMPLATES for part in parts):
        return None
    # {% spaceless %}: no whitespace between the inputs.
    return strip_spaces_between_tags("".join(_input(part) + "\n" for part in parts).strip())


def _split_datetime(context: dict) -> str | None:
    """``admin/widgets/split_datetime.html``, when both parts are plain inputs."""
    date, time = context["widget"]["subwidgets"][:2]
    if date.get("template_name") not in INPUT_TEMPLATES or time.get("template_name") not in INPUT_TEMPLATES:
        return None
    return (
        f'<p class="datetime">\n  {_var(_get(context, "date_label"))} {_input(date)}\n<br>\n'
        f"  {_var(_get(context, 'time_label'))} {_input(time)}\n\n</p>\n"
    )


def _admin_url(context: dict) -> str:
    """``admin/widgets/url.html``: the link to the current address above the input."""
    widget = context["widget"]
    if not context.get("url_valid"):
        return _input(widget) + "\n"
    return (
        f'<p class="url">{_var(_get(context, "current_label"))} <a href="{_var(_get(widget, "href"))}">'
        f"{_var(_get(widget, 'value'))}</a><br>{_var(_get(context, 'change_label'))} "
        f"{_input(widget)}</p>\n"
    )


def _raw_id(context: dict) -> str:
    """``admin/widgets/foreign_key_raw_id.html``: the id's input, the lookup link and the related
    object's name."""
    widget = context["widget"]
    related_url = _get(context, "related_url")
    html = ["<div>" if related_url else "", _input(widget)]
    if related_url:
        name = _var(_get(widget, "name"))
        html.append(
            f'<a href="{_var(related_url)}" class="related-lookup" id="lookup_id_{name}"'
            f' title="{_var(_get(context, "link_title"))}"></a>'
        )
    label = _get(context, "link_label")
    if label:
        link_url = _get(context, "link_url")
        shown = f'<a href="{_var(link_url)}">{_var(label)}</a>' if link_url else _var(label)
        html.append(f"\n<strong>{shown}</strong>")
    if related_url:
        html.append("</div>")
    html.append("\n")
    return "".join(html)


SELECT_OPTION = "django/forms/widgets/select_option.html"
INPUT = "django/forms/widgets/input.html"
WIDGET_ATTRS = "django/forms/widgets/attrs.html"
ERROR_LIST = "django/forms/errors/list/default.html"
FORM_DIV = "django/forms/div.html"
MULTIWIDGET = "django/forms/widgets/multiwidget.html"
SPLIT_HIDDEN = "django/forms/widgets/splithiddendatetime.html"
RAW_ID = "admin/widgets/foreign_key_raw_id.html"

# template name -> (writer, the templates whose HTML it writes). A writer may answer None: the
# template then renders (a select with a custom option template, an error list with errors).
Writer = Callable[[dict], "str | None"]
WRITERS: dict[str, tuple[Writer, tuple[str, ...]]] = {
    **{name: (_included_input, (name, INPUT, WIDGET_ATTRS)) for name in INPUT_TEMPLATES},
    "django/forms/widgets/select.html": (
        _select,
        ("django/forms/widgets/select.html", SELECT_OPTION, WIDGET_ATTRS),
    ),
    "django/forms/widgets/textarea.html": (_textarea, ("django/forms/widgets/textarea.html", WIDGET_ATTRS)),
    "django/forms/label.html": (_label, ("django/forms/label.html", "django/forms/attrs.html")),
    "django/forms/errors/list/ul.html": (_error_list, ("django/forms/errors/list/ul.html",)),
    ERROR_LIST: (_error_list, (ERROR_LIST, "django/forms/errors/list/ul.html")),
    FORM_DIV: (_hidden_fields_only, (FORM_DIV, ERROR_LIST, "django/forms/errors/list/ul.html")),
    **{
        name: (_multiwidget, (name, MULTIWIDGET, *INPUT_TEMPLATES, INPUT, WIDGET_ATTRS))
        for name in (MULTIWIDGET, SPLIT_HIDDEN)
    },
    "admin/widgets/split_datetime.html": (
        _split_datetime,
        (
            "admin/widgets/split_datetime.html",
            "django/forms/widgets/date.html",
            "django/forms/widgets/time.html",
            INPUT,
            WIDGET_ATTRS,
        ),
    ),
    "admin/widgets/url.html": (_admin_url, ("admin/widgets/url.html", INPUT, WIDGET_ATTRS)),
    RAW_ID: (_raw_id, (RAW_ID, INPUT, WIDGET_ATTRS)),
}

# The SHA-256 of each template a writer stands for, as Django 5.2 ships it.
_INCLUDES_INPUT = "7d7a5bc4ccc075bbff6af7d60b9e3ae200f68c59e0f77d44abbbf36f3cb5fb20"
TEMPLATE_SHA256 = {
    **dict.fromkeys(INPUT_TEMPLATES, _INCLUDES_INPUT),
    INPUT: "770cf3acba1c18b65021a19efbf5fc93bcfcee357a005b67dbc2e2967527507d",
    WIDGET_ATTRS: "f729483efe44660fabc76a8f2e0a1b464c3a66afd625233c92dd74e8fa5261ad",
    SELECT_OPTION: "37fa6c7742580aa361c767a1da8caf905d8a53676feccf66b4cc3fe012d8abc0",
    "django/forms/widgets/select.html": "ed4d11ce3784486f3b10dcd08cf45417bd60bcabc68d556f5dca6c5b6f814d1e",
    "django/forms/widgets/textarea.html": "02fd58fa1a57514d808eb867522be064528d04b7700926527ae4a60aa9829030",
    "django/forms/label.html": "d1b2427488fc1b97b619ac3741447464c77055abc2f34630c52e44d12864ce61",
    "django/forms/attrs.html": "5053e00975c20246ee9b1644d4d33e689544e1509ed918c2ac72cdb1e89bbf72",
    "django/forms/errors/list/ul.html": "84f81a22e37d9f5a6f7726c4b3acca2bf3a416284831b4dbe7291c4d0940484c",
    ERROR_LIST: "2a6c759f0af3438f4c68ff3419dd7b182e53407e01edda166b72376b35efa070",
    FORM_DIV: "3e02521a51175cb9a1e7c58b1f8f5cc6f51a588f1bc44d22a137fe318f3db85f",
    MULTIWIDGET: "b2593802009d5e756616f6af86355cb336b4aae4ce3f62c6e740fcc276b4770d",
    SPLIT_HIDDEN: "03368f2e534b83dd6a915430c2d009c703aa0de9abb6dfdbb529162e96e8243b",
    "admin/widgets/split_datetime.html": "050f5736fddeaadbcda996465b7f1504cd8d6a7fb93c1c6891ba36166ff0c024",
    RAW_ID: "5f542cc5ea6886ded30994c92c767a8e06d92d31168de6aa042aa502f9a08948",
    "admin/widgets/url.html": "4dfecfc1da0a0228a67e60d355b5b3455c7151ec9f845d0e96cba2399d6d1e02",
    "admin/includes/fieldset.html": "2d7ffc5f076e04ca370e640db8668ad2da0b328567b0c74c89a64e7c6fb353a9",
}


def template_sha256(engine, name: str) -> str:
    return hashlib.sha256(engine.get_template(name).template.source.encode()).hexdigest()


class PythonFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the templates of ``WRITERS`` written in Python."""

    def __init__(self):
        super().__init__()
        self._usable: dict[str, bool] = {}

    def _writes(self, template_name: str) -> bool:
        usable = self._usable.get(template_name)
        if usable is None:
            _writer, sources = WRITERS[template_name]
            usable = all(template_sha256(self.engine, name) == TEMPLATE_SHA256.get(name) for name in sources)
            self._usable[template_name] = usable
        return usable

    def render(self, template_name, context, request=None):
        entry = WRITERS.get(template_name)
        if entry is not None and self._writes(template_name):
            html = entry[0](context)
            if html is not None:
                return html.strip()  # as BaseRenderer.render
        return super().render(template_name, context, request)


RENDERER = PythonFormRenderer()


class _RenderedBy:
    """A widget whose ``render`` uses ``renderer`` whatever its caller asks for; all else is the widget's."""

    def __init__(self, widget, renderer):
        self._widget, self._renderer = widget, renderer

    def __getattr__(self, name):
        return getattr(self._widget, name)

    def render(self, name, value, attrs=None, renderer=None):
        return self._widget.render(name, value, attrs, renderer=self._renderer)


class RelatedWidgetWrapper(admin_widgets.RelatedFieldWidgetWrapper):
    """Django's wrapper of a related field's select (its add, change and view links), with the select
    rendered by the wrapper's own renderer: Django renders it with the default template renderer."""

    def render(self, name, value, attrs=None, renderer=None):
        self._renderer = renderer
        try:
            return super().render(name, value, attrs, renderer)
        finally:
            self._renderer = None

    def get_context(self, name, value, attrs):
        inner = self.widget
        self.widget = _RenderedBy(inner, getattr(self, "_renderer", None))
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.widget = inner


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a model's select read with one plain query. Django reads them through
    ``.iterator()``, which on PostgreSQL is a server-side cursor: three round trips for the few rows of a
    select (a big table's field is a raw id or autocomplete, never a select)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


def python_written(formfield):
    """``formfield`` of an admin's form, with its related select wrapped and listed as above."""
    if formfield is None:
        return formfield
    if type(formfield.widget) is admin_widgets.RelatedFieldWidgetWrapper:
        formfield.widget.__class__ = RelatedWidgetWrapper
    if isinstance(formfield, forms.ModelChoiceField) and formfield.iterator is ModelChoiceIterator:
        formfield.iterator = ListedChoiceIterator
        formfield.widget.choices = formfield.choices
    return formfield


class PythonRenderedModelForm(forms.ModelForm):
    """A model form whose widgets, labels and empty error lists are written by ``PythonFormRenderer``."""

    default_renderer = RENDERER


# --- Fieldsets ---------------------------------------------------------------------------------

FIELDSET_TEMPLATE = "admin/includes/fieldset.html"
# Django's stacked inline, with its fieldsets written by ``fieldset_html`` (``{% inline_fieldset %}``);
# ``tests/staff/test_admin_html.py`` checks it is Django's template but for that one tag.
STACKED_INLINE_TEMPLATE = "admin/edit_inline/stacked_python.html"
# Django's tabular inline, with each row's cells written by ``tabular_cells_html``
# (``{% inline_tabular_cells %}``), checked the same way.
TABULAR_INLINE_TEMPLATE = "admin/edit_inline/tabular_python.html"


@functools.cache
def fieldset_template_unchanged() -> bool:
    """Whether ``admin/includes/fieldset.html`` is the template ``fieldset_html`` was written from."""
    engine = engines["django"]
    return template_sha256(engine, FIELDSET_TEMPLATE) == TEMPLATE_SHA256[FIELDSET_TEMPLATE]


def _field_name(field) -> str:
    return field.field["name"] if field.is_readonly else field.field.name


def _field_attr(field, name: str):
    # ``field.field.<name>`` in the template: a key of the read-only field's dict, or the BoundField's
    # attribute; a missing key reads as "".
    if field.is_readonly:
        return field.field.get(name, "")
    return getattr(field.field, name)


# The template's line breaks and indents, which the HTML keeps: "\n" and n spaces.
_N = {n: "\n" + " " * n for n in range(0, 40, 4)}


def fieldset_html(fieldset, heading_level=2, prefix="fieldset", id_prefix=0, id_suffix=0) -> SafeString:
    """``{% include "admin/includes/fieldset.html" with heading_level prefix id_prefix id_suffix %}``."""
    name = fieldset.name
    collapsible = fieldset.is_collapsible
    heading_id = f"{_var(prefix)}-{_var(id_prefix)}-{_var(id_suffix)}-heading"
    out = [f'<fieldset class="module aligned {_var(fieldset.classes)}"']
    if name:
        out.append(f' aria-labelledby="{heading_id}"')
    out.append(">" + _N[4])
    if name:
        level = _var(heading_level or 2)
        out.append(_N[8])
        if collapsible:
            out.append("<details><summary>")
        out.append(
            f'{_N[8]}<h{level} id="{heading_id}" class="fieldset-heading">{_var(name)}</h{level}>{_N[8]}'
        )
        if collapsible:
            out.append("</summary>")
        out.append(_N[4])
    out.append(_N[4])
    if fieldset.description:
        out.append(f'{_N[8]}<div class="description">{fieldset.description!s}</div>{_N[4]}')
    out.append(_N[4])
    for line in fieldset:
        fields = list(line)
        single = len(line.fields) == 1
        line_errors = line.errors() if single else ""
        classes = "".join(
            f" field-{_var(field_name)}" for field in fields if (field_name := _field_name(field))
        )
        out.append(
            f'{_N[8]}<div class="form-row{" errors" if single and line_errors else ""}'
            f'{"" if line.has_visible_field else " hidden"}{classes}">{_N[12]}'
        )
        out.append(_var(line_errors) if single else '<div class="flex-container form-multiline">')
        out.append(_N[12])
        for field in fields:
            out.append(f"{_N[16]}<div>{_N[20]}")
            errors = "" if single or field.is_readonly else field.errors()
            out.append(_var(errors))
            box = ""
            if not single:
                field_name = _field_name(field)
                box = " fieldBox" + (f" field-{_var(field_name)}" if field_name else "")
                if not field.is_readonly and errors:
                    box += " errors"
                if _field_attr(field, "is_hidden"):
                    box += " hidden"
            if field.is_checkbox:
                box += " checkbox-row"
            out.append(f'{_N[24]}<div class="flex-container{box}">{_N[28]}')
            if field.is_checkbox:
                out.append(f"{_N[32]}{_var(field.field)}{_var(field.label_tag())}{_N[28]}")
            else:
                out.append(f"{_N[32]}{_var(field.label_tag())}{_N[32]}")
                if field.is_readonly:
                    out.append(f'{_N[36]}<div class="readonly">{_var(field.contents())}</div>{_N[32]}')
                else:
                    out.append(f"{_N[36]}{_var(field.field)}{_N[32]}")
                out.append(_N[28])
            out.append(f"{_N[24]}</div>{_N[20]}")
            help_text = _field_attr(field, "help_text")
            if help_text:
                hidden = " hidden" if _field_attr(field, "is_hidden") else ""
                label_id = _field_attr(field, "id_for_label")
                described = f' id="{_var(label_id)}_helptext"' if label_id else ""
                out.append(
                    f'{_N[24]}<div class="help{hidden}"{described}>'
                    f"{_N[28]}<div>{help_text!s}</div>{_N[24]}</div>{_N[20]}"
                )
            out.append(f"{_N[16]}</div>{_N[12]}")
        out.append(_N[12])
        if not single:
            out.append("</div>")
        out.append(f"{_N[8]}</div>{_N[4]}")
    out.append(_N[4])
    if name and collapsible:
        out.append("</details>")
    out.append("\n</fieldset>\n")
    # Every value above went through _var (escaped as a template escapes it) or is a SafeString.
    return SafeString("".join(out))


def tabular_cells_html(inline_admin_form) -> SafeString:
    """The cells of one row of Django's ``admin/edit_inline/tabular.html``: its loop over the row's
    fieldsets, lines and fields, with the template's line breaks and indents."""
    out = []
    for fieldset in inline_admin_form:
        out.append("\n          ")
        for line in fieldset:
            out.append("\n            ")
            for field in line:
                name = _field_name(field)
                classes = (f"field-{_var(name)}" if name else "") + (
                    " hidden" if _field_attr(field, "is_hidden") else ""
                )
                out.append(f'\n              <td class="{classes}">\n              ')
                if field.is_readonly:
                    out.append(f"\n                  <p>{_var(field.contents())}</p>\n              ")
                else:
                    errors = _var(field.field.errors.as_ul())
                    widget = _var(field.field)
                    out.append(f"\n                  {errors}\n                  {widget}\n              ")
                out.append("\n              </td>\n            ")
            out.append("\n          ")
        out.append("\n        ")
    # Every value went through _var (escaped as the template escapes it).
    return SafeString("".join(out))
