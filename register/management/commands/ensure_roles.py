from django.core.management.base import BaseCommand

from register.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the staff groups (data-protection officer, customer service)."

    def handle(self, *args, **options) -> None:
        groups = ensure_roles()
        for name, group in groups.items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
