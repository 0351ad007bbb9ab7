from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jineng.core import audit, services
from jineng.core.management.prerequisites import password_from
from jineng.core.models import Organisation
from jineng.core.roles import ADMINISTRATOR_ROLES, Role


class Command(BaseCommand):
    help = (
        "Create a user in an organisation with one or more roles. The password is asked for, "
        "or read from JINENG_NEW_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="the organisation's code (e.g. 411400)")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=Role.values,
            dest="roles",
            help="repeat for several roles",
        )
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, org, roles, name, email, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(
                f"no organisation has the code {org!r} (`jineng setup --region CODE` creates "
                "the bureaus)"
            )
        if len(set(roles) & ADMINISTRATOR_ROLES) > 1:
            # 三权分立: refused before the password is asked for (the service refuses it too).
            raise CommandError(
                "one account cannot hold two of system_admin, security_admin and audit_admin"
            )
        password = password_from("JINENG_NEW_PASSWORD")
        try:
            with audit.system_context("command:createuser"):
                user = services.create_user(
                    username=username,
                    password=password,
                    organisation=organisation,
                    roles=roles,
                    full_name=name,
                    email=email,
                )
        except ValidationError as problem:
            raise CommandError("; ".join(problem.messages)) from None
        self.stdout.write(f"created {user.username} ({', '.join(roles)}) in {organisation}")
