"""Prepare a development database for `make run`: roles, demo staff, a register and customers."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.models import Customer
from register.models import NoticeVersion
from register.roles import CUSTOMER_SERVICE, DATA_PROTECTION_OFFICER, ensure_roles

DEMO_USERS = (
    # username, password, group, superuser
    ("admin", "kundregister-demo", DATA_PROTECTION_OFFICER, True),
    ("service", "kundregister-demo", CUSTOMER_SERVICE, False),
)
DEMO_APP_NAME = "Demo authenticator app"


def demo_totp_key(username: str) -> str:
    """The demo user's authenticator secret, the same on every machine: a phone set up once keeps working."""
    return hashlib.sha1(f"kundregister-demo:{username}".encode()).hexdigest()  # noqa: S324 (not a password hash)


class Command(BaseCommand):
    help = "Load demo data for local development (refuses to run unless DEBUG is on)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--register", default="jalonom", help="Seed register to publish.")
        parser.add_argument("--host", default="127.0.0.1", help="Where the site is served (for the links).")
        parser.add_argument("--port", type=int, default=8000, help="Its port, for the links shown.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("load_demo creates users with known passwords; it only runs with DEBUG=True.")
        groups = ensure_roles()
        User = get_user_model()
        for username, password, group, superuser in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            user.groups.set([groups[group]])
            TOTPDevice.objects.filter(user=user).exclude(name=DEMO_APP_NAME).delete()
            TOTPDevice.objects.update_or_create(
                user=user, name=DEMO_APP_NAME, defaults={"key": demo_totp_key(username), "confirmed": True}
            )

        if not NoticeVersion.objects.exists():
            call_command("load_example_register", options["register"], verbosity=options["verbosity"])
            # The demo's notice as published two years ago: the demo consent ledger then has events
            # under it and older ones from before it (which cite no notice), as a real register would.
            NoticeVersion.objects.update(published_at=timezone.now() - timedelta(days=730))

        if not Customer.objects.exists():
            call_command(
                "generate_demo_data",
                customers=options["customers"],
                seed=options["seed"],
                verbosity=options["verbosity"],
            )

        apps = "\n".join(
            f"    {device.user.username}: {device.config_url}"
            for device in TOTPDevice.objects.filter(name=DEMO_APP_NAME)
            .select_related("user")
            .order_by("user__username")
        )
        # Where `make run` serves the site (its HOST and PORT).
        site = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo ready at {site}/\n"
                f"  Privacy notice:  {site}/sv/privacy/\n"
                f"  Admin:           {site}/admin/\n"
                "  Data-protection officer login: admin / kundregister-demo\n"
                "  Customer service login:        service / kundregister-demo\n"
                "  Then the second factor: the current code is printed by `make otp` (admin) or\n"
                "  `make otp WHO=service`; or add the demo users' authenticator apps to your phone:\n"
                f"{apps}\n"
            )
        )
