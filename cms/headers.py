"""Security headers on every response: Content-Security-Policy (django-csp) and Permissions-Policy.

Two policies, both built from the settings (``cms/settings/base.py``, "Security headers"):

- ``CONTENT_SECURITY_POLICY``: the public site. Scripts and styles from our own origin only, no
  inline code of any kind, so a cached page is the same for every visitor (no nonce).
- ``CONTENT_SECURITY_POLICY_ADMIN``: Wagtail's admin (and the site seen by a signed-in editor,
  whose pages carry Wagtail's user bar), relaxed only where Wagtail needs it; docs/headers.md
  gives the reason for each relaxation.

Framing is denied everywhere (``frame-ancestors 'none'`` beside ``X-Frame-Options: DENY``) except
for the responses a view marked ``X-Frame-Options: SAMEORIGIN``: Wagtail does so for its preview,
which the editor shows in an iframe of the admin; those get ``frame-ancestors 'self'``.

The middleware sits before whitenoise and the page cache, so static files and cached pages get
the same headers as the rest.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings

SELF = "'self'"


def _admin_prefixes() -> tuple[str, ...]:
    admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None) or {}
    return tuple(admin.get("URL_PREFIXES", ("/admin/",)))


def uses_admin_policy(request) -> bool:
    """The admin, and any page a signed-in editor sees (the user bar loads admin code)."""
    if request.path_info.startswith(_admin_prefixes()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin policy for the admin and framing by view.

    Wagtail renders a preview by running the whole middleware stack again on a made-up request
    for the page's public URL (``is_dummy``); that inner pass sets no header, so the preview
    response gets the headers of the real admin request that framed it.
    """

    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and uses_admin_policy(request):
            admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
            if admin:
                parts.config = default_config(admin.get("DIRECTIVES", {}))
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


def permissions_policy_value(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self", "https://x"]}`` -> ``camera=(), fullscreen=(self "https://x")``."""
    items = []
    for feature, allowed in policy.items():
        origins = " ".join(
            origin if origin in {"self", "*"} else f'"{origin}"' for origin in allowed
        )
        items.append(f"{feature}=({origins})")
    return ", ".join(items)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (from ``PERMISSIONS_POLICY``) to responses that lack one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = permissions_policy_value(
            getattr(settings, "PERMISSIONS_POLICY", {})
        )

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_dummy", False):  # a Wagtail preview: see above
            return response
        if self.value and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.value
        return response
