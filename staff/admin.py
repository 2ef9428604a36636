"""Staff sign-in in the admin, for the DPO: failed logins and lockouts, logins, authenticator apps.

django-axes' and django-otp's own admin pages are not used: they are untranslated, show form data
and TOTP secrets (with a QR code of the secret), and allow editing. These pages show only what the
DPO needs, under this app's permissions (the DPO role holds them, customer service does not), and
offer one action each: release a lockout, reset a staff member's second factor.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from register.admin_base import ReadOnlyAdmin
from staff import twofactor
from staff.models import AuthenticatorApp, FailedLogin, StaffLogin

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class AccessRecordAdmin(ReadOnlyAdmin):
    """Columns shared by failed and successful logins, with translated headings."""

    search_fields = ["username", "ip_address"]
    search_help_text = _("Search by username or address.")
    # By date with fixed periods: a date hierarchy lists the distinct days of every sign-in record.
    list_filter = [("attempt_time", admin.DateFieldListFilter)]
    ordering = ["-attempt_time"]

    @admin.display(description=_("username"), ordering="username")
    def username_display(self, obj) -> str:
        return obj.username or "–"

    @admin.display(description=_("address"), ordering="ip_address")
    def address(self, obj) -> str:
        return obj.ip_address or "–"

    @admin.display(description=_("browser"))
    def browser(self, obj) -> str:
        return obj.user_agent


@admin.register(FailedLogin)
class FailedLoginAdmin(AccessRecordAdmin):
    list_display = ["last_failure", "username_display", "address", "failures", "locked_out", "browser"]
    fields = readonly_fields = list_display
    actions = ["release"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        same_address = (
            FailedLogin.objects.filter(ip_address=OuterRef("ip_address"), attempt_time__gte=self.threshold())
            .values("ip_address")
            .annotate(total=Sum("failures_since_start"))
            .values("total")
        )
        return super().get_queryset(request).annotate(address_failures=Subquery(same_address))

    @staticmethod
    def threshold():
        return timezone.now() - settings.AXES_COOLOFF_TIME

    @admin.display(description=_("last failure"), ordering="attempt_time")
    def last_failure(self, obj: FailedLogin):
        return obj.attempt_time

    @admin.display(description=_("failures"), ordering="failures_since_start")
    def failures(self, obj: FailedLogin) -> int:
        return obj.failures_since_start

    @admin.display(description=_("locked out"), boolean=True)
    def locked_out(self, obj: FailedLogin) -> bool:
        if obj.attempt_time < self.threshold():
            return False
        return (
            obj.failures_since_start >= settings.LOGIN_FAILURE_LIMIT
            or (obj.address_failures or 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
        )

    def has_release_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.delete_failedlogin")

    @admin.action(description=_("Release the lockout (forget these failures)"), permissions=["release"])
    def release(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for attempt in queryset:  # one by one, so that django-axes hears of each deletion
            attempt.delete()
            count += 1
        self.message_user(
            request,
            ngettext(
                "Released %(count)d record of failed logins.",
                "Released %(count)d records of failed logins.",
                count,
            )
            % {"count": count},
        )


@admin.register(StaffLogin)
class StaffLoginAdmin(AccessRecordAdmin):
    list_display = ["logged_in", "logged_out", "username_display", "address", "browser"]
    fields = readonly_fields = list_display
    # Newest first along the primary key (a login is only ever added): the time has no index.
    ordering = ["-id"]

    @admin.display(description=_("logged in"), ordering="attempt_time")
    def logged_in(self, obj: StaffLogin):
        return obj.attempt_time

    @admin.display(description=_("logged out"), ordering="logout_time")
    def logged_out(self, obj: StaffLogin):
        return obj.logout_time or "–"


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(ReadOnlyAdmin):
    list_display = ["user_display", "in_use", "added", "last_used"]
    fields = readonly_fields = list_display
    list_select_related = ["user"]
    search_fields = ["user__username"]
    ordering = ["user__username"]
    actions = ["reset"]

    @admin.display(description=_("staff member"), ordering="user__username")
    def user_display(self, obj: AuthenticatorApp) -> str:
        return obj.user.get_username()

    @admin.display(description=_("enrolment finished"), boolean=True, ordering="confirmed")
    def in_use(self, obj: AuthenticatorApp) -> bool:
        return obj.confirmed

    @admin.display(description=_("added"), ordering="created_at")
    def added(self, obj: AuthenticatorApp):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj: AuthenticatorApp):
        return obj.last_used_at or "–"

    def has_reset_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("staff.delete_authenticatorapp")

    @admin.action(
        description=_("Reset two-factor authentication (lost phone: the staff member enrols again)"),
        permissions=["reset"],
    )
    def reset(self, request: HttpRequest, queryset: QuerySet) -> None:
        users = {device.user for device in queryset.select_related("user")}
        for user in users:
            twofactor.reset(user)
        self.message_user(
            request,
            ngettext(
                "Reset two-factor authentication of %(count)d staff member.",
                "Reset two-factor authentication of %(count)d staff members.",
                len(users),
            )
            % {"count": len(users)},
        )
