from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from jineng.core import audit, demo


def demo_loaders() -> list[ModuleType]:
    """The demo module of each installed jineng app that offers an idempotent `load()`, found
    as Django's admin finds admin modules (core's demo organisations stand on the bureau tree
    of `jineng setup`, so the catalog demo loads them). They run in the order of
    INSTALLED_APPS, which is the order of the layers (docs/architecture.md): each app's demo
    stands on those below it (vouchers settle against the certificates of the evaluation demo,
    claims come last). Core names no app above it: the settings, at the top, wire them."""
    modules = [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if config.name.startswith("jineng.") and module_has_submodule(config.module, "demo")
    ]
    return [module for module in modules if hasattr(module, "load")]


class Command(BaseCommand):
    help = (
        "Prepare the embedded demo: migrate, collect static files, load reference and demo data "
        "(idempotent), and print the demo logins."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with audit.system_context("demo"), transaction.atomic():
            for module in demo_loaders():
                result = module.load()
                self.stdout.write(f"{module.__name__.split('.')[1]}: {result}")
        self.stdout.write(f"demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, roles, organisation in demo.logins():
            self.stdout.write(f"  {username:<16} {roles}  ·  {organisation}")
