"""Remove a staff member's second factor (lost phone); they enrol again at their next login."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff import twofactor


class Command(BaseCommand):
    help = "Reset a staff member's two-factor authentication: they set it up again at the next login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        twofactor.reset(user)
        self.stdout.write(f"Two-factor authentication of {username} reset; they set it up at the next login.")
