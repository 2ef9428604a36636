"""Pages of staff sign-in: the second factor (enrol, give a code) and the lockout page.

The second-factor pages are added to the admin site by ``staff.sites.StaffAdminSite``, which
lets only signed-in active staff reach them and checks CSRF.
"""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from staff import twofactor
from staff.forms import CodeForm

WRONG_CODE = _("That code is not right, or it has expired. Try the code your app shows now.")


def next_url(request: HttpRequest) -> str:
    """Where to go after the second factor: the page asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "is_nav_sidebar_enabled": False,
            "next": next_url(request),
            **context,
        },
        status=status,
    )


def verify(request: HttpRequest) -> HttpResponse:
    """Ask a staff member who has enrolled for a code from their app, or a backup code."""
    step = twofactor.next_step(request)
    if step != twofactor.VERIFY:
        return HttpResponseRedirect(reverse(step) if step else next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_code(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(next_url(request))
        form.add_error("code", WRONG_CODE)
        wait_until = twofactor.retry_after(request.user)
        if wait_until and wait_until > timezone.now():
            form.add_error(
                None,
                gettext("After several wrong codes, the next one is checked from %(time)s.")
                % {"time": timezone.localtime(wait_until).strftime("%H:%M:%S")},
            )
    return page(
        request, "staff/two_factor_verify.html", {"title": _("Two-factor authentication"), "form": form}
    )


def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show its secret, check one code, then show the backup codes once."""
    if user_has_device(request.user):
        step = twofactor.next_step(request)
        return HttpResponseRedirect(reverse(step) if step else next_url(request))
    device = twofactor.pending_app(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            # Shown in this answer only (never cached: staff.sites wraps the view in never_cache).
            return page(
                request,
                "staff/two_factor_backup_codes.html",
                {"title": _("Your backup codes"), "codes": codes},
            )
        form.add_error("code", WRONG_CODE)
    uri = device.config_url
    return page(
        request,
        "staff/two_factor_setup.html",
        {
            "title": _("Set up two-factor authentication"),
            "form": form,
            "otpauth_uri": uri,
            "secret": uri.split("secret=", 1)[1].split("&", 1)[0],
            # segno draws the code as SVG paths: no text from the URI or the user is in it.
            "qr_svg": mark_safe(twofactor.qr_code_svg(uri)),  # noqa: S308
            "required": twofactor.must_use(request.user),
        },
    )


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """The page shown instead of the login form while an address is locked out (django-axes)."""
    return page(
        request,
        "staff/locked_out.html",
        {"title": _("Too many failed logins"), "minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    ).render()
