"""Remove a user's second-factor devices (lost phone and no backup code left).

The user then signs in with their password and, where the second factor is required, is
asked to enrol a new app at once (docs/staff.md).
"""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError

from cms.staff_auth.views import reset_devices


class Command(BaseCommand):
    help = "Remove every two-factor device (app and backup codes) of a user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        removed = reset_devices(user)
        ended = end_sessions(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} device(s) of {username}; ended {ended} session(s). "
                "They enrol a new app at their next sign-in."
            )
        )


def end_sessions(user) -> int:
    """Sign the user out everywhere: a session that passed the old device ends too."""
    ended = 0
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
