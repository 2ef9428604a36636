"""Two-factor authentication of staff: who must use it, enrolment, and checking a code.

Staff sign in with a password, then with a code from an authenticator app (TOTP, RFC 6238) or
one of ten single-use backup codes. It is required of data-protection officers, superusers and
anyone holding a permission named with ``register.roles.require_two_factor`` (seeing identity
numbers and bank accounts in full); others may enrol. Once enrolled, every login asks for a code.
The admin site (``staff.sites``) sends a staff member to the next step before any admin page.
GDPR Art. 32(1): access to personal data is protected in proportion to the risk.
"""

import logging
from datetime import datetime

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from register.roles import DATA_PROTECTION_OFFICER, two_factor_permissions

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

VERIFY = "admin:two_factor_verify"
SETUP = "admin:two_factor_setup"


def must_use(user: AbstractBaseUser) -> bool:
    """Whether ``user`` may reach the admin only after a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.groups.filter(name=DATA_PROTECTION_OFFICER).exists():
        return True
    return any(user.has_perm(permission) for permission in two_factor_permissions())


def is_verified(request: HttpRequest) -> bool:
    """Whether this session's user gave a code (django-otp's OTPMiddleware keeps the answer)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def next_step(request: HttpRequest) -> str | None:
    """Return the URL name of the page a staff member must pass before the admin, or None."""
    user = request.user
    if not (user.is_active and user.is_staff) or is_verified(request):
        return None
    if user_has_device(user):
        return VERIFY
    if must_use(user):
        return SETUP
    return None


def pending_app(user: AbstractBaseUser) -> TOTPDevice:
    """Return the authenticator app being enrolled (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def qr_code_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG: drawn shapes only, no text of the URI."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


def replace_backup_codes(user: AbstractBaseUser) -> list[str]:
    """Give ``user`` ten new single-use backup codes, void the old ones, and return the new."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app if ``code`` is right: mark the session verified and return new backup codes.

    Returns None (and changes nothing but the device's throttle) when the code is wrong.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not device.verify_token(code):
            logger.warning("Wrong code while enrolling an authenticator app for user %s", device.user_id)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        codes = replace_backup_codes(request.user)
    otp_login(request, device)
    logger.info("User %s enrolled an authenticator app", device.user_id)
    return codes


def normalise_code(code: str) -> str:
    return "".join(code.split()).lower()


def verify_code(request: HttpRequest, code: str) -> bool:
    """Check a code from the user's app or a backup code; if right, mark the session verified.

    Six digits are checked against the app, anything else against the backup codes, so that a
    mistyped code of one kind does not slow down the other.
    """
    code = normalise_code(code)
    model = TOTPDevice if code.isdecimal() and code.isascii() else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(request.user, confirmed=True).select_for_update():
            if device.verify_token(code):
                otp_login(request, device)
                logger.info("User %s gave a second factor (%s)", device.user_id, model.__name__)
                return True
    logger.warning("Wrong second-factor code for user %s", request.user.pk)
    return False


def retry_after(user: AbstractBaseUser) -> datetime | None:
    """When the user may try a code again after wrong ones, or None if now."""
    waits = []
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.devices_for_user(user, confirmed=True):
            allowed, details = device.verify_is_allowed()
            if not allowed and details and details.get("locked_until"):
                waits.append(details["locked_until"])
    return min(waits) if waits else None


def reset(user: AbstractBaseUser) -> int:
    """Remove every second factor of ``user`` (lost phone); they enrol again at the next login."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    logger.info("Second factors of user %s were reset", user.pk)
    return removed


def mark_verified(session, device) -> None:
    """Record in ``session`` that its user gave a code from ``device`` (as django_otp.login does)."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
