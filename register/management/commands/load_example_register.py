"""Load one of the example registers (replacing the current content) and publish it."""

from django.core.management.base import BaseCommand

from register.examples import EXAMPLES, load_example


class Command(BaseCommand):
    help = "Load and publish an example register description: xhome, xmi or jalonom."

    def add_arguments(self, parser) -> None:
        parser.add_argument("example", choices=sorted(EXAMPLES))

    def handle(self, *args, **options) -> None:
        version = load_example(options["example"])
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {options['example']!r} and published notice version {version.number}."
                )
            )
