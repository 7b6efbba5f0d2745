"""Staff sign-in: the second factor (django-otp) in Wagtail's admin, idle sessions, and the
answer to a sign-in locked by django-axes (docs/staff.md).

Wagtail's own login view checks the password; ``middleware.StaffSessionMiddleware`` then
holds every admin request of a signed-in user until the session has passed a one-time code
(``views.VerifyView``), or, where the second factor is required and the user has no device
yet, until they have enrolled one (``views.SetupView``).
"""

# Session keys.
HAS_DEVICE_KEY = "staff_2fa_has_device"
LAST_SEEN_KEY = "staff_last_seen"
