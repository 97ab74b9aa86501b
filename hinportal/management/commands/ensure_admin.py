import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first superuser with a random password, printed once; otherwise say how to sign in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(
                f"Admin sign-in: user '{existing.get_username()}' (its password was printed when it was created; "
                f"reset it with: .venv/bin/python manage.py changepassword {existing.get_username()})"
            )
            return
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            f"Admin sign-in: user '{username}', password '{password}' (shown once: note it now, "
            f"or reset it with: .venv/bin/python manage.py changepassword {username})"
        )
