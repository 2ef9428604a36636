"""A change list page written in Python: its frame (header, breadcrumbs, sidebar, scripts), and the
whole page where the list's template is the project's own.

``templates/admin/change_list.html`` takes the frame's blocks from here for the lists ``renders_in_python``
accepts, and from Django's templates (``{{ block.super }}``) for any other. ``page_html`` writes the whole
page (``admin/change_list_python.html``, chosen by ``StrictAdminMixin.changelist_view``). Each function
writes what the blocks of ``admin/base.html``, Django's ``admin/change_list.html`` and the project's
``admin/base_site.html``, ``admin/change_list.html`` and ``admin/nav_sidebar.html`` write;
``tests/register/test_admin_list_page.py`` compares whole pages, written both ways, for every admin.
"""

from __future__ import annotations

import datetime
from functools import cache

from django.conf import settings
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template, select_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext

from register.admin_base import Kept
from register.admin_list import (
    actions_html,
    capfirst_html,
    current_app,
    object_tools_html,
    pagination_html,
    result_list_html,
    search_form_html,
    spec_html,
)
from staff import twofactor
from staff.sites import PRODUCT


def _url(context, name: str, **kwargs) -> str:
    return conditional_escape(reverse(name, kwargs=kwargs or None, current_app=current_app(context)))


def _theme_toggle() -> str:
    """``admin/color_theme_toggle.html``."""
    labels = "".join(
        f'  <span class="visually-hidden theme-label-when-{theme}">{gettext(text)}</span>\n'
        for theme, text in (
            ("auto", "Toggle theme (current theme: auto)"),
            ("light", "Toggle theme (current theme: light)"),
            ("dark", "Toggle theme (current theme: dark)"),
        )
    )
    icons = "".join(
        f'  <svg aria-hidden="true" class="theme-icon-when-{theme}">\n    <use xlink:href="#icon-{icon}" />\n'
        "  </svg>\n"
        for theme, icon in (("auto", "auto"), ("dark", "moon"), ("light", "sun"))
    )
    return f'<button class="theme-toggle">\n{labels}{icons}</button>\n'


def header_html(context) -> SafeString:
    """Block ``header``: the site's name, and the user's greeting and links."""
    user = context.get("user")
    name = conditional_escape(context.get("site_header") or PRODUCT)
    html = [
        '<header id="header">\n<div id="branding">\n'
        f'<div id="site-name"><a href="{_url(context, "admin:index")}">{name}</a></div>\n'
    ]
    if user is None or user.is_anonymous:
        html.append(_theme_toggle())
    html.append("</div>\n")
    if context.get("has_permission"):
        greeting = conditional_escape(user.get_short_name() or user.get_username())
        html.append(f'<div id="user-tools">\n{gettext("Welcome,")}\n<strong>{greeting}</strong>.\n')
        if user.is_active and user.is_staff and not getattr(user, "otp_device", None):
            setup = _url(context, twofactor.SETUP)
            html.append(f'<a href="{setup}">{gettext("Set up two-factor authentication")}</a> / ')
        site_url = context.get("site_url")
        if site_url:
            html.append(f'<a href="{conditional_escape(site_url)}">{gettext("View site")}</a> /\n')
        if user.is_active and user.is_staff:
            try:
                docs = _url(context, "django-admindocs-docroot")
            except NoReverseMatch:
                docs = ""
            if docs:
                html.append(f'<a href="{docs}">{gettext("Documentation")}</a> /\n')
        if user.has_usable_password():
            change = _url(context, "admin:password_change")
            html.append(f'<a href="{change}">{gettext("Change password")}</a> /\n')
        html.append(
            f'<form id="logout-form" method="post" action="{_url(context, "admin:logout")}">\n'
            f"{CsrfTokenNode().render(context)}\n"
            f'<button type="submit">{gettext("Log out")}</button>\n</form>\n'
        )
        html.append(_theme_toggle())
        html.append("</div>\n")
    html.append("</header>")
    return SafeString("".join(html))


def breadcrumbs_html(context) -> SafeString:
    """Block ``breadcrumbs`` of Django's ``admin/change_list.html``."""
    opts = context["cl"].opts
    app = _url(context, "admin:app_list", app_label=opts.app_label)
    return SafeString(
        f'<div class="breadcrumbs">\n<a href="{_url(context, "admin:index")}">{gettext("Home")}</a>\n'
        f'&rsaquo; <a href="{app}">{conditional_escape(opts.app_config.verbose_name)}</a>\n'
        f"&rsaquo; {conditional_escape(capfirst(opts.verbose_name_plural))}\n</div>"
    )


def extrahead_html(context) -> SafeString:
    """Block ``extrahead`` of Django's ``admin/change_list.html``: the form media's scripts, the filters'."""
    media = context.get("media")
    scripts = _media_html(media, "js") if media is not None else ""
    filters = _static("admin/js/filters.js")
    return SafeString(f'\n{scripts}\n<script src="{filters}" defer></script>\n')


def nav_sidebar_html(context, app_list: str) -> SafeString:
    """Block ``nav-sidebar``: the project's ``admin/nav_sidebar.html`` around ``app_list``."""
    return SafeString(
        '<button class="sticky toggle-nav-sidebar" id="toggle-nav-sidebar" '
        f'aria-label="{gettext("Toggle navigation")}"></button>\n'
        f'<nav class="sticky" id="nav-sidebar" aria-label="{gettext("Sidebar")}">\n'
        '  <input type="search" id="nav-filter"\n'
        f'         placeholder="{gettext("Start typing to filter…")}"\n'
        f'         aria-label="{gettext("Filter navigation items")}">\n'
        f"  {app_list}\n</nav>\n"
    )


@cache
def _icons() -> str:
    """The icons closing every admin page, as Django's ``admin/base.html`` writes them (read from it)."""
    source = get_template("admin/base.html").template.source
    return source[source.index("<!-- SVGs -->") : source.index("<!-- END SVGs -->")]


# Static files' addresses and the form media's HTML, by everything they depend on: the same on every
# page (the storage reads its manifest of hashed names once per process, too).
_addresses = Kept(256)


def _static(path: str) -> str:
    """``{% static path %}``."""
    return _addresses.get(("static", settings.STATIC_URL, path), lambda: conditional_escape(static(path)))


def _media_html(media, kind: str) -> str:
    """``{{ media.js }}`` or ``{{ media.css }}``: the merged lists of the admin's and its forms' media."""
    try:
        if kind == "js":
            lists = tuple(tuple(paths) for paths in media._js_lists)
        else:
            lists = tuple(
                tuple((medium, tuple(paths)) for medium, paths in d.items()) for d in media._css_lists
            )
        key = ("media", settings.STATIC_URL, kind, lists)
        hash(key)
    except (AttributeError, TypeError):
        return conditional_escape(media[kind])
    return _addresses.get(key, lambda: conditional_escape(media[kind]))


def _head(context, cl) -> str:
    """``<head>`` of a change list page."""
    title = conditional_escape(context.get("title", ""))
    subtitle = context.get("subtitle")
    if subtitle:
        title = f"{conditional_escape(subtitle)} | {title}"
    site_title = conditional_escape(context.get("site_title") or PRODUCT)
    bidi = context.get("LANGUAGE_BIDI")
    html = [
        f"<title>{title} | {site_title}</title>\n"
        f'<link rel="stylesheet" href="{_static("admin/css/base.css")}">\n'
        f'<link rel="stylesheet" href="{_static("admin/css/dark_mode.css")}">\n'
        f'<script src="{_static("admin/js/theme.js")}"></script>\n'
    ]
    if context.get("is_nav_sidebar_enabled"):
        html.append(
            f'<link rel="stylesheet" href="{_static("admin/css/nav_sidebar.css")}">\n'
            f'<script src="{_static("admin/js/nav_sidebar.js")}" defer></script>\n'
        )
    html.append(
        f'<link rel="stylesheet" href="{_static("register/admin.css")}">\n'
        f'<link rel="stylesheet" href="{_static("admin/css/changelists.css")}">\n'
    )
    if context.get("action_form"):
        html.append(f'<script src="{_url(context, "admin:jsi18n")}"></script>\n')
    media = context.get("media")
    if media is not None:
        html.append(f"{_media_html(media, 'css')}\n")
    if not context.get("actions_on_top") and not context.get("actions_on_bottom"):
        nonce = conditional_escape(context.get("CSP_NONCE", ""))
        html.append(
            f'<style nonce="{nonce}">\n#changelist table thead th:first-child {{width: inherit}}\n</style>\n'
        )
    if bidi:
        html.append(f'<link rel="stylesheet" href="{_static("admin/css/rtl.css")}">\n')
    html.append(extrahead_html(context))
    html.append(
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<link rel="stylesheet" href="{_static("admin/css/responsive.css")}">\n'
    )
    if bidi:
        html.append(f'<link rel="stylesheet" href="{_static("admin/css/responsive_rtl.css")}">\n')
    html.append('<meta name="robots" content="NONE,NOARCHIVE">\n')
    return "".join(html)


def _messages(context) -> str:
    """Block ``messages``."""
    messages = context.get("messages")
    if not messages:
        return ""
    items = []
    for message in messages:
        tags = f' class="{conditional_escape(message.tags)}"' if message.tags else ""
        items.append(f"<li{tags}>{capfirst_html(str(message))}</li>\n")
    return f'<ul class="messagelist">{"".join(items)}</ul>\n'


def _filters(cl) -> str:
    """Block ``filters`` of the project's ``admin/change_list.html``."""
    if not cl.has_filters:
        return ""
    html = [
        '<nav id="changelist-filter" aria-labelledby="changelist-filter-header">\n'
        f'<h2 id="changelist-filter-header">{gettext("Filter")}</h2>\n'
    ]
    if cl.is_facets_optional or cl.has_active_filters:
        html.append('<div id="changelist-filter-extra-actions">\n')
        if cl.is_facets_optional:
            if cl.add_facets:
                link = f'<a href="{conditional_escape(cl.remove_facet_link)}" class="hidelink">'
                link += f"{gettext('Hide counts')}</a>"
            else:
                link = f'<a href="{conditional_escape(cl.add_facet_link)}" class="viewlink">'
                link += f"{gettext('Show counts')}</a>"
            html.append(f"<h3>\n{link}\n</h3>\n")
        if cl.has_active_filters:
            clear = conditional_escape(cl.clear_all_filters_qs)
            html.append(f'<h3>\n<a href="{clear}">&#10006; {gettext("Clear all filters")}</a>\n</h3>\n')
        html.append("</div>\n")
    html.extend(spec_html(cl, spec) for spec in cl.filter_specs)
    html.append("\n</nav>\n")
    return "".join(html)


def _content(context, cl) -> str:
    """Block ``content`` of Django's ``admin/change_list.html``, with the project's blocks in it."""
    opts = cl.opts
    filtered = " filtered" if cl.has_filters else ""
    html = [
        f'<div id="content-main">\n<ul class="object-tools">\n{object_tools_html(context)}\n</ul>\n'
        f'<div class="module{filtered}" id="changelist">\n<div class="changelist-form-container">\n'
        f"{search_form_html(cl)}\n"
    ]
    if cl.date_hierarchy:
        names = [
            f"admin/{opts.app_label}/{opts.model_name}/date_hierarchy.html",
            f"admin/{opts.app_label}/date_hierarchy.html",
            "admin/date_hierarchy.html",
        ]
        html.append(select_template(names).render(date_hierarchy(cl)))
    html.append(f'\n<form id="changelist-form" method="post" novalidate>{CsrfTokenNode().render(context)}\n')
    show_actions = context.get("action_form") and cl.show_admin_actions
    if show_actions and context.get("actions_on_top"):
        html.append(actions_html(context))
    html.append(f"\n{result_list_html(cl)}\n")
    if show_actions and context.get("actions_on_bottom"):
        html.append(actions_html(context))
    html.append(f"\n{pagination_html(cl)}\n</form>\n</div>\n{_filters(cl)}</div>\n</div>\n")
    return "".join(html)


def page_html(context, app_list: str) -> SafeString:
    """The whole page of a change list ``renders_in_python`` accepts, its sidebar being ``app_list``."""
    cl = context["cl"]
    opts = cl.opts
    language = conditional_escape(context.get("LANGUAGE_CODE") or "en-us")
    direction = "rtl" if context.get("LANGUAGE_BIDI") else "ltr"
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    offset = dateformat.format(datetime.datetime.now(tz=zone), "Z")
    html = [
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">\n'
        f"<head>\n{_head(context, cl)}</head>\n\n"
        f'<body class=" app-{conditional_escape(opts.app_label)} model-{conditional_escape(opts.model_name)}'
        f' change-list"\n  data-admin-utc-offset="{offset}">\n'
        f'<a href="#content-start" class="skip-to-content-link">{gettext("Skip to main content")}</a>\n'
        '<!-- Container -->\n<div id="container">\n\n<!-- Header -->\n'
        f"{header_html(context)}\n<!-- END Header -->\n"
        f'<nav aria-label="{gettext("Breadcrumbs")}">\n{breadcrumbs_html(context)}\n</nav>\n\n'
        '<div class="main" id="main">\n'
    ]
    if context.get("is_nav_sidebar_enabled"):
        html.append(nav_sidebar_html(context, app_list))
    title = context.get("title")
    subtitle = context.get("subtitle")
    html.append(
        '<main id="content-start" class="content" tabindex="-1">\n'
        f"{_messages(context)}<!-- Content -->\n"
        '<div id="content" class="">\n'
        + (f"<h1>{conditional_escape(title)}</h1>\n" if title else "")
        + (f"<h2>{conditional_escape(subtitle)}</h2>\n" if subtitle else "")
        + _content(context, cl)
        + '\n<br class="clear">\n</div>\n<!-- END Content -->\n</main>\n</div>\n'
        '<footer id="footer"></footer>\n</div>\n<!-- END Container -->\n\n'
        f"{_icons()}<!-- END SVGs -->\n\n</body>\n</html>\n"
    )
    return SafeString("".join(html))
