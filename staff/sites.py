"""The admin site: Django's, with the second factor in front of every page (staff.twofactor)."""

from collections.abc import Callable
from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

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


class StaffAdminSite(admin.AdminSite):
    """Django's admin site, named for the product and the shop ("Kundregister — Jalonom")."""

    site_header = site_title = PRODUCT

    def each_context(self, request: HttpRequest) -> dict:
        from register.models import shop_name

        context = super().each_context(request)
        name = shop_name()
        context["site_header"] = context["site_title"] = f"{PRODUCT} — {name}" if name else PRODUCT
        return context

    def _build_app_dict(self, request: HttpRequest, label=None):
        # Every admin page lists every model in the sidebar, sorted by name. Django keeps the names
        # lazy, so sorting some forty models translates names at every comparison (most of the list's
        # cost): translate each name once.
        app_dict = super()._build_app_dict(request, label)
        for app in app_dict.values():
            app["name"] = str(app["name"])
            for model in app["models"]:
                model["name"] = str(model["name"])
        return app_dict

    def step_redirect(self, request: HttpRequest, step: str) -> HttpResponse:
        url = reverse(step, current_app=self.name)
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")

    def admin_view(self, view, cacheable: bool = False):
        """Wrap ``view`` as Django does, and first send staff to their second factor if it is due."""
        checked = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args, **kwargs):
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
