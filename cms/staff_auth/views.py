"""The second factor's pages (before any other admin view) and the locked-out answer."""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.staff_auth import HAS_DEVICE_KEY

TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


def safe_next(request) -> str:
    """The ``next`` address if it is on this site, else the dashboard."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("wagtailadmin_home")


def pass_second_factor(request, device):
    """The session has passed the second factor with ``device``: a new session key (the
    one known before the code was typed no longer works), then django-otp's mark."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[HAS_DEVICE_KEY] = True


class VerifyView(View):
    """Asks a signed-in user with a device for a code from their app or a backup code."""

    template_name = "staff_auth/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("wagtailadmin_login")
        if request.user.is_verified():
            return redirect(safe_next(request))
        if not user_has_device(request.user):
            request.session[HAS_DEVICE_KEY] = False
            if settings.STAFF_2FA_REQUIRED:
                return redirect(
                    f"{reverse('staff_2fa_setup')}?{request.GET.urlencode()}"
                )
            return redirect(safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form):
        return render(
            request, self.template_name, {"form": form, "next": safe_next(request)}
        )

    def get(self, request):
        return self.render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        token = form.cleaned_data["token"]
        devices = list(devices_for_user(request.user))
        for device in devices:
            verified = verify_token(request.user, device.persistent_id, token)
            if verified is not None:
                pass_second_factor(request, verified)
                if isinstance(verified, StaticDevice):
                    left = verified.token_set.count()
                    messages.warning(
                        request,
                        _(
                            "You signed in with a backup code; %(left)s are left. "
                            "Enrol your app again to get new ones."
                        )
                        % {"left": left},
                    )
                return redirect(safe_next(request))
        form.add_error("token", wrong_code_message(devices, backup=True))
        return self.render(request, form)


def wrong_code_message(devices, backup: bool) -> str:
    """Why a code was refused: throttled after wrong codes (django-otp doubles the wait
    after each one), or simply not right."""
    if any(not device.verify_is_allowed()[0] for device in devices):
        return _(
            "Too many wrong codes: wait a few seconds, then type the code your app "
            "shows now."
        )
    if backup:
        return _(
            "This code is not right or has expired. Type the code your app shows now, "
            "or one of your backup codes."
        )
    return _(
        "This code is not right. Check that the time on your phone is right and type "
        "the code the app shows now."
    )


def pending_device(user) -> TOTPDevice:
    """The user's app being enrolled: one unconfirmed device, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


def grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class SetupView(View):
    """Enrols an authenticator app: a QR code and the secret, then a code from the app to
    confirm it. On confirmation the app replaces any earlier one and a new set of backup
    codes is shown, once."""

    template_name = "staff_auth/setup.html"
    codes_template_name = "staff_auth/backup_codes.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("wagtailadmin_login")
        if user_has_device(request.user) and not request.user.is_verified():
            # Replacing a device takes the current one: a password alone is not enough.
            return redirect(f"{reverse('staff_2fa_verify')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form, device):
        qr = segno.make(device.config_url, error="m")
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "next": safe_next(request),
                "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
                "secret": grouped_secret(device),
                "replacing": user_has_device(request.user),
                "required": settings.STAFF_2FA_REQUIRED,
            },
        )

    def get(self, request):
        return self.render(request, CodeForm(), pending_device(request.user))

    def post(self, request):
        device = pending_device(request.user)
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, device)
        if not device.verify_token(form.cleaned_data["token"]):
            form.add_error("token", wrong_code_message([device], backup=False))
            return self.render(request, form, device)
        with transaction.atomic():
            codes = confirm_device(device)
        pass_second_factor(request, device)
        return render(
            request,
            self.codes_template_name,
            {"codes": codes, "next": safe_next(request)},
        )


def confirm_device(device: TOTPDevice) -> list[str]:
    """Make ``device`` the user's only app, with new backup codes (returned)."""
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(settings.STAFF_2FA_BACKUP_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=backup, token=code) for code in codes
    )
    return codes


def reset_devices(user) -> int:
    """Remove every second-factor device of ``user`` (the operator's recovery)."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a sign-in while the username+address pair is locked: the
    sign-in page with a message, as 429 Too Many Requests."""
    return render(
        request,
        "staff_auth/locked_out.html",
        {"cooloff_hours": settings.AXES_COOLOFF_TIME},
        status=429,
    )


def account_menu_item(request):
    """Account → Two-factor authentication."""
    return {
        "url": reverse("staff_2fa_setup"),
        "label": _("Two-factor authentication"),
        "help_text": _(
            "Set up an authenticator app, or move it to a new phone, and get new "
            "backup codes."
        ),
    }
