from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jineng.core import audit, twofactor
from jineng.core.models import User


class Command(BaseCommand):
    help = (
        "Reset a user's two-factor sign-in (a lost phone with no recovery code left), for when no "
        "administrator can sign in to do it on the user's page: the user sets it up again at "
        "the next login. Audited as the command's work."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user is called {username!r}")
        try:
            with audit.system_context("command:resettwofactor"):
                twofactor.reset(user)
        except ValidationError as problem:
            raise CommandError("; ".join(problem.messages)) from None
        self.stdout.write(f"two-factor sign-in of {user.username} reset: set up at the next login")
