"""The `jineng` command: Django management with a one-line refusal for bad configuration.

jineng migrate | serve | worker | demo | createuser | calendar | <any management command>
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jineng.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as problem:
        print(f"jineng: {problem}", file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line

    argv[0] = "jineng"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
