"""Parts of every admin page rendered in Python: the navigation sidebar, a change list's table and
filters, and a change form's fieldsets (those of its stacked inlines too) and its tabular inlines' cells.

Every admin page lists every model the user may see in the sidebar. Rendered through Django's
``admin/app_list.html`` that list costs about a fifth of a change page's time (some forty models, a
dozen template nodes each); ``nav_app_list`` writes the same HTML directly. A change list's rows and
filters likewise (``register.admin_list``), and the fieldsets of a change form
(``register.admin_html.fieldset_html``).
"""

from urllib.parse import quote

from django import template
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from register.admin_base import Kept
from register.admin_html import (
    FIELDSET_TEMPLATE,
    RENDERER,
    fieldset_html,
    fieldset_template_unchanged,
    tabular_cells_html,
)
from register.admin_list import (
    actions_html,
    object_tools_html,
    pagination_html,
    renders_in_python,
    result_list_html,
    search_form_html,
    spec_html,
)
from staff import list_page

register = template.Library()

# The project's change lists write their table in Python; others (the benchmark's stock admin, an
# editable list, a pop-up) keep Django's {% result_list %}.
register.filter("renders_in_python", renders_in_python)


@register.simple_tag
def python_result_list(cl) -> SafeString:
    """The HTML of Django's ``{% result_list cl %}``, for a list ``renders_in_python`` accepts."""
    return result_list_html(cl)


@register.simple_tag(takes_context=True)
def python_actions(context) -> SafeString:
    """Django's ``{% admin_actions %}``, for a list ``renders_in_python`` accepts."""
    return actions_html(context)


@register.simple_tag
def python_search_form(cl) -> SafeString:
    """Django's ``{% search_form cl %}``, for a list ``renders_in_python`` accepts."""
    return search_form_html(cl)


@register.simple_tag
def python_pagination(cl) -> SafeString:
    """Django's ``{% pagination cl %}``, for a list ``renders_in_python`` accepts."""
    return pagination_html(cl)


@register.simple_tag(takes_context=True)
def python_object_tools(context) -> SafeString:
    """Django's ``{% change_list_object_tools %}``, for a list ``renders_in_python`` accepts."""
    return object_tools_html(context)


@register.simple_tag(takes_context=True)
def python_change_list_page(context) -> SafeString:
    """The whole page of a change list ``renders_in_python`` accepts (``staff.list_page``)."""
    return list_page.page_html(context, nav_app_list(context))


@register.simple_tag(takes_context=True)
def python_list_block(context, name: str) -> SafeString:
    """A change list page's block ``header``, ``breadcrumbs``, ``extrahead`` or ``nav-sidebar``, for a
    list ``renders_in_python`` accepts (``staff.list_page``)."""
    if name == "nav-sidebar":
        return list_page.nav_sidebar_html(context, nav_app_list(context))
    writer = {
        "header": list_page.header_html,
        "breadcrumbs": list_page.breadcrumbs_html,
        "extrahead": list_page.extrahead_html,
    }[name]
    return writer(context)


@register.simple_tag
def list_filter(cl, spec) -> SafeString:
    """Django's ``{% admin_list_filter cl spec %}``, written in Python for the project's lists."""
    return spec_html(cl, spec) if renders_in_python(cl) else admin_list_filter(cl, spec)


@register.filter
def fieldsets_in_python(adminform) -> bool:
    """Whether ``{% admin_fieldsets %}`` writes this form's fieldsets: a form the project's renderer
    renders (every admin of the project, ``register.admin_base.StrictAdminMixin``)."""
    return adminform.form.renderer is RENDERER


def _fieldset(context, fieldset, heading_level, prefix, id_prefix, id_suffix) -> str:
    """``{% include "admin/includes/fieldset.html" with heading_level prefix id_prefix id_suffix %}``:
    written by ``fieldset_html`` while the template is the one it was written from, else the template."""
    if fieldset_template_unchanged():
        return fieldset_html(fieldset, heading_level, prefix, id_prefix, id_suffix)
    include = context.template.engine.get_template(FIELDSET_TEMPLATE)
    given = {"heading_level": heading_level, "prefix": prefix, "id_prefix": id_prefix, "id_suffix": id_suffix}
    with context.push(fieldset=fieldset, **given):
        return include.render(context)


@register.simple_tag(takes_context=True)
def admin_fieldsets(context, adminform) -> SafeString:
    """The change form's fieldsets, as ``admin/change_form.html``'s block ``field_sets`` includes them."""
    html = (_fieldset(context, fieldset, 2, "fieldset", 0, n) for n, fieldset in enumerate(adminform))
    return SafeString("".join(f"\n  {part}\n" for part in html))


@register.simple_tag(takes_context=True)
def inline_fieldset(context, fieldset, id_prefix, id_suffix) -> SafeString:
    """The include of each fieldset in Django's stacked inline (heading level 4, the formset's prefix)."""
    return SafeString(_fieldset(context, fieldset, 4, fieldset.formset.prefix, id_prefix, id_suffix))


@register.simple_tag
def inline_tabular_cells(inline_admin_form) -> SafeString:
    """The cells of a row of Django's tabular inline (its loop over the fieldsets, lines and fields)."""
    return tabular_cells_html(inline_admin_form)


# The sidebar's HTML by language, the apps and models shown and which of them is current: every page of
# one list, and every change page of one model, shows the same sidebar.
_nav_html = Kept(256)


@register.simple_tag(takes_context=True)
def nav_app_list(context) -> SafeString:
    """The HTML of ``admin/app_list.html`` with ``show_changelinks=False``, for ``available_apps``."""
    apps = context.get("available_apps") or []
    if not apps:
        return format_html("<p>{}</p>", gettext("You don’t have permission to view or edit anything."))
    # The template compares each URL with the path through the urlencode filter (quote, "/" safe).
    path = quote(context["request"].path, safe="/")
    key = (
        get_language(),
        tuple(
            (
                app["app_label"],
                app["app_url"],
                str(app["name"]),
                app["app_url"] in path,
                tuple(
                    (
                        model["object_name"],
                        str(model["name"]),
                        model.get("admin_url"),
                        model.get("add_url"),
                        bool(model.get("admin_url")) and model["admin_url"] in path,
                    )
                    for model in app["models"]
                ),
            )
            for app in apps
        ),
    )
    return _nav_html.get(key, lambda: _nav_html_of(apps, path))


def _nav_html_of(apps: list[dict], path: str) -> SafeString:
    add = gettext("Add")
    head = format_html(
        '<thead class="visually-hidden"><tr><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead>',
        gettext("Model name"),
        gettext("Add link"),
        gettext("Change or view list link"),
    )
    return format_html_join(
        "\n",
        '<div class="app-{} module{}"><table><caption><a href="{}" class="section" title="{}">{}</a>'
        "</caption>{}{}</table></div>",
        (
            (
                app["app_label"],
                " current-app" if app["app_url"] in path else "",
                app["app_url"],
                gettext("Models in the %(name)s application") % {"name": app["name"]},
                app["name"],
                head,
                format_html_join("", "{}", ((_model_row(app, model, path, add),) for model in app["models"])),
            )
            for app in apps
        ),
    )


def _model_row(app: dict, model: dict, path: str, add: str) -> SafeString:
    name = model["object_name"].lower()
    row_id = f"{app['app_label']}-{name}"
    url = model.get("admin_url")
    current = bool(url) and url in path
    if url:
        title = format_html(
            '<a href="{}"{}>{}</a>', url, SafeString(' aria-current="page"') if current else "", model["name"]
        )
    else:
        title = format_html("{}", model["name"])
    add_url = model.get("add_url")
    add_cell = SafeString("<td></td>")
    if add_url:
        add_cell = format_html(
            '<td><a href="{}" class="addlink" aria-describedby="{}">{}</a></td>', add_url, row_id, add
        )
    return format_html(
        '<tr class="model-{}{}"><th scope="row" id="{}">{}</th>{}</tr>',
        name,
        " current-model" if current else "",
        row_id,
        title,
        add_cell,
    )
