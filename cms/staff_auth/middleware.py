"""Holds admin requests until the second factor is passed, and ends idle staff sessions."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from cms.staff_auth import HAS_DEVICE_KEY, LAST_SEEN_KEY

# The idle clock is written to the session at most this often, not on every request.
LAST_SEEN_RESOLUTION = 60

# Admin URLs a signed-in user reaches before the second factor: signing out, the
# second-factor pages themselves and the translations their scripts load.
EXEMPT_URL_NAMES = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "staff_2fa_verify",
    "staff_2fa_setup",
)


@receiver(user_logged_in, dispatch_uid="staff-auth-remember-device")
def remember_whether_user_has_device(sender, request, user, **kwargs):
    """Read once at sign-in whether the user has a device, so that admin requests before
    the second factor do not ask the database each time."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = user_has_device(user)
        request.session[LAST_SEEN_KEY] = int(time.time())


def user_has_device_cached(request) -> bool:
    session = request.session
    if HAS_DEVICE_KEY not in session:  # a session from before this check existed
        session[HAS_DEVICE_KEY] = user_has_device(request.user)
    return session[HAS_DEVICE_KEY]


def second_factor_url(request) -> str | None:
    """Where a signed-in user must go before this admin request, or None."""
    user = request.user
    if not user.has_perm("wagtailadmin.access_admin"):
        return None  # Wagtail refuses them the admin anyway
    if user.is_verified():
        return None
    if user_has_device_cached(request):
        name = "staff_2fa_verify"
    elif settings.STAFF_2FA_REQUIRED:
        name = "staff_2fa_setup"
    else:
        return None
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


class StaffSessionMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: signs out a session idle for longer
    than ``STAFF_SESSION_IDLE_SECONDS``, and sends a signed-in user who has not passed the
    second factor from any admin view to it (or to enrolment, when it is required)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths = None

    def exempt_paths(self) -> set[str]:
        if self._exempt_paths is None:
            self._exempt_paths = {reverse(name) for name in EXEMPT_URL_NAMES}
        return self._exempt_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.end_idle_session(request)
            if response is not None:
                return response
            admin_root = reverse("wagtailadmin_home")
            if (
                request.path_info.startswith(admin_root)
                and request.path_info not in self.exempt_paths()
            ):
                url = second_factor_url(request)
                if url is not None:
                    return redirect(url)
        return self.get_response(request)

    def end_idle_session(self, request):
        limit = settings.STAFF_SESSION_IDLE_SECONDS
        if not limit:
            return None
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > limit:
            logout(request)
            if request.path_info.startswith(reverse("wagtailadmin_home")):
                login = reverse("wagtailadmin_login")
                return redirect(
                    f"{login}?{urlencode({'next': request.get_full_path()})}"
                )
            return None
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_KEY] = now
        return None
