"""The records of staff sign-in, as the DPO sees them in the admin.

Proxies of django-axes' and django-otp's models, so that they are listed under this app with
translated names and their own permissions (the DPO role holds them; customer service does not).
No table of their own: the libraries' tables hold the rows.
"""

from axes.models import AccessAttempt, AccessLog
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class FailedLogin(AccessAttempt):
    """Failed logins from one address for one username: the lockout counter (staff.lockout)."""

    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins and lockouts")


class StaffLogin(AccessLog):
    """A successful staff login, with the time of the matching logout."""

    class Meta:
        proxy = True
        verbose_name = _("staff login")
        verbose_name_plural = _("staff logins")


class AuthenticatorApp(TOTPDevice):
    """A staff member's authenticator app (the TOTP device of the second factor)."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
