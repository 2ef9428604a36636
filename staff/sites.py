"""The admin site: Django's, with the second factor in front of every page (staff.twofactor)."""

import contextlib
from collections.abc import Callable
from functools import update_wrapper

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, path, reverse
from django.utils.functional import LazyObject, empty
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from register.admin_base import Kept
from staff import twofactor

PRODUCT = "Kundregister"

# Functions that add a panel to the admin index: each takes the request and returns HTML to show
# above the list of apps, or "" (the dashboard of ``breaches`` registers itself here, so this app
# never imports the apps above it).
IndexPanel = Callable[[HttpRequest], str]
_index_panels: list[IndexPanel] = []


def register_index_panel(panel: IndexPanel) -> None:
    """Show ``panel``'s HTML on the admin index (once per function)."""
    if panel not in _index_panels:
        _index_panels.append(panel)


def resolved_user(user):
    """The user behind the lazy wrappers the authentication and second-factor middleware put on the
    request (one in another), read now.

    Every admin page needs the user, and asks it for a permission some two hundred times (the sidebar
    alone checks five for each model); through the two wrappers each question costs two proxied
    lookups and two caught exceptions.
    """
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class StaffAdminSite(admin.AdminSite):
    """Django's admin site, named for the product and the shop ("Kundregister — Jalonom")."""

    # Kept app lists at most; all are forgotten at once when more would be kept.
    KEPT_APP_LISTS = 256

    site_header = site_title = PRODUCT

    def each_context(self, request: HttpRequest) -> dict:
        from register.models import shop_name

        context = super().each_context(request)
        name = shop_name()
        context["site_header"] = context["site_title"] = f"{PRODUCT} — {name}" if name else PRODUCT
        return context

    def __init__(self, name: str = "admin"):
        super().__init__(name)
        self._urls: dict[tuple, str] = {}
        self._names: dict[tuple, str] = {}
        self._app_lists = Kept(self.KEPT_APP_LISTS)

    def _url(self, where: tuple, name: str, **kwargs) -> str:
        """``reverse(name, kwargs=kwargs, current_app=self.name)``, reversed once per URLconf and prefix."""
        key = (*where, name, tuple(kwargs.items()))
        url = self._urls.get(key)
        if url is None:
            url = self._urls[key] = reverse(name, kwargs=kwargs or None, current_app=self.name)
        return url

    def _name(self, language: str | None, key: str, lazy, capitalise: bool = True) -> str:
        """A model's (capitalised, as Django shows it) or app's verbose name in ``language``, once."""
        name = self._names.get((language, key))
        if name is None:
            name = self._names[(language, key)] = capfirst(str(lazy)) if capitalise else str(lazy)
        return name

    def get_app_list(self, request: HttpRequest, app_label=None):
        """Django's list of the apps and models ``request.user`` may see, kept by the user, the user's
        permissions, the language and the URLconf.

        Every admin page lists every model in the sidebar, asking five permission questions of each
        (about 0.6 ms of a 16 ms list page). The answers of the project's admins depend on the user's
        permissions alone, so the list is kept by them: a permission granted or taken away, a user made
        superuser or inactive, is a different key at the next page. Each page gets its own copy.
        """
        user = request.user
        if not (user.is_active and user.is_staff):
            return super().get_app_list(request, app_label)
        permissions = "superuser" if user.is_superuser else frozenset(user.get_all_permissions())
        where = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
        key = (*where, app_label, user.pk, permissions)
        apps = self._app_lists.get(key, lambda: super(StaffAdminSite, self).get_app_list(request, app_label))
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in apps]

    def _build_app_dict(self, request: HttpRequest, label=None):
        """Django's ``AdminSite._build_app_dict``, each name translated and each URL reversed once.

        Every admin page lists every model in the sidebar: some forty models, each with the URLs of its
        list and add pages. Django reverses those on every page (most of the list's cost), and keeps the
        names lazy, so sorting them translates names at every comparison. Here names are kept per language
        and URLs per URLconf and script prefix for the life of the process. The dictionary is the same as
        Django's (tests/staff/test_nav_sidebar.py compares them).
        """
        app_dict = {}
        where = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
        language = get_language()
        models = self._registry
        if label:
            models = {m: m_a for m, m_a in models.items() if m._meta.app_label == label}
        for model, model_admin in models.items():
            app_label = model._meta.app_label
            has_module_perms = model_admin.has_module_permission(request)
            if not has_module_perms:
                continue
            perms = model_admin.get_model_perms(request)
            if True not in perms.values():
                continue
            model_name = model._meta.model_name
            model_dict = {
                "model": model,
                "name": self._name(language, model._meta.label, model._meta.verbose_name_plural),
                "object_name": model._meta.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                with contextlib.suppress(NoReverseMatch):
                    model_dict["admin_url"] = self._url(where, f"admin:{app_label}_{model_name}_changelist")
            if perms.get("add"):
                with contextlib.suppress(NoReverseMatch):
                    model_dict["add_url"] = self._url(where, f"admin:{app_label}_{model_name}_add")
            if app_label in app_dict:
                app_dict[app_label]["models"].append(model_dict)
            else:
                app_dict[app_label] = {
                    "name": self._name(
                        language, app_label, apps.get_app_config(app_label).verbose_name, False
                    ),
                    "app_label": app_label,
                    "app_url": self._url(where, "admin:app_list", app_label=app_label),
                    "has_module_perms": has_module_perms,
                    "models": [model_dict],
                }
        return app_dict

    def step_redirect(self, request: HttpRequest, step: str) -> HttpResponse:
        url = reverse(step, current_app=self.name)
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")

    def admin_view(self, view, cacheable: bool = False):
        """Wrap ``view`` as Django does, and first send staff to their second factor if it is due."""
        checked = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args, **kwargs):
            request.user = resolved_user(request.user)
            step = twofactor.next_step(request)
            if step and request.path != reverse("admin:logout", current_app=self.name):
                return self.step_redirect(request, step)
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, checked)

    def login(self, request: HttpRequest, extra_context=None):
        step = twofactor.next_step(request)
        if step and request.method == "GET":
            return self.step_redirect(request, step)
        return super().login(request, extra_context)

    def two_factor_view(self, view):
        """Wrap a second-factor page: for signed-in active staff only, CSRF-checked, never cached."""

        def inner(request: HttpRequest, *args, **kwargs):
            if not (request.user.is_active and request.user.is_staff):
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            request.current_app = self.name
            return view(request, *args, **kwargs)

        return update_wrapper(csrf_protect(never_cache(inner)), view)

    def index(self, request: HttpRequest, extra_context=None):
        panels = [html for html in (panel(request) for panel in _index_panels) if html]
        return super().index(request, {**(extra_context or {}), "index_panels": panels})

    def get_urls(self):
        from staff import views

        return [
            path("two-factor/", self.two_factor_view(views.verify), name="two_factor_verify"),
            path("two-factor/setup/", self.two_factor_view(views.setup), name="two_factor_setup"),
            *super().get_urls(),
        ]
