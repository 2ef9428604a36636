"""Prepare a development database for `make run`: roles, demo staff, a register and customers."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from customers.models import Customer
from register.models import NoticeVersion
from register.roles import CUSTOMER_SERVICE, DATA_PROTECTION_OFFICER, ensure_roles

DEMO_USERS = (
    # username, password, group, superuser
    ("admin", "kundregister-demo", DATA_PROTECTION_OFFICER, True),
    ("service", "kundregister-demo", CUSTOMER_SERVICE, False),
)


class Command(BaseCommand):
    help = "Load demo data for local development (refuses to run unless DEBUG is on)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--register", default="jalonom", help="Seed register to publish.")

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

        if not NoticeVersion.objects.exists():
            call_command("load_example_register", options["register"], verbosity=options["verbosity"])

        if not Customer.objects.exists():
            call_command(
                "generate_demo_data",
                customers=options["customers"],
                seed=options["seed"],
                verbosity=options["verbosity"],
            )

        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo ready at http://127.0.0.1:8000/\n"
                "  Privacy notice:  http://127.0.0.1:8000/sv/privacy/\n"
                "  Admin:           http://127.0.0.1:8000/admin/\n"
                "  Data-protection officer login: admin / kundregister-demo\n"
                "  Customer service login:        service / kundregister-demo\n"
            )
        )
