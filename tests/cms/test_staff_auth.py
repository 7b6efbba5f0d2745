"""Staff sign-in: throttled password guessing (django-axes), the second factor (django-otp
TOTP and backup codes) before any admin view, idle sessions and password length."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.settings.base import axes_ipware_settings
from cms.staff_auth import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff():
    return get_user_model().objects.create_superuser(
        username="staffer", email="staffer@example.org", password=PASSWORD
    )


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True
    return settings


def sign_in(client, username="staffer", password=PASSWORD, **extra):
    return client.post(
        reverse("wagtailadmin_login"),
        {
            "username": username,
            "password": password,
            "next": reverse("wagtailadmin_home"),
        },
        **extra,
    )


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238), computed from the secret."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, offset_steps)
    return f"{code:0{device.digits}d}"


# --- Lockout ------------------------------------------------------------------------------


def test_the_sixth_wrong_password_locks_the_username_from_that_address(client, staff):
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200
    response = sign_in(client, password="wrong")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()

    # Locked: even the right password is refused, with the message, not a server error.
    response = sign_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client, staff):
    for _ in range(5):
        sign_in(client, password="wrong")
    # Same username from another address: not locked (a guesser cannot lock staff out).
    response = sign_in(client, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client_address"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy: the header is anyone's to send
        (1, "203.0.113.9", "203.0.113.9"),
        (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
    ],
)
def test_behind_proxies_the_client_address_is_the_one_they_forwarded(
    client, staff, settings, proxies, forwarded_for, client_address
):
    for name, value in axes_ipware_settings(proxies).items():
        setattr(settings, name, value)
    sign_in(client, password="wrong", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert AccessAttempt.objects.get().ip_address == client_address


def test_an_operator_unlocks_with_axes_reset(client, staff):
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429
    call_command("axes_reset_username", "staffer", verbosity=0)
    assert sign_in(client).status_code == 302


# --- Second factor ------------------------------------------------------------------------


def test_a_user_with_a_device_must_pass_a_real_totp_code_before_the_admin(
    client, staff
):
    device = enrol(staff)
    sign_in(client)
    response = client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff_2fa_verify"))

    response = client.post(
        reverse("staff_2fa_verify"),
        {"token": code_for(device), "next": reverse("wagtailadmin_explore_root")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore_root")
    assert client.get(reverse("wagtailadmin_explore_root")).status_code == 200


def test_a_wrong_code_is_refused_with_a_field_message(client, staff):
    device = enrol(staff)
    sign_in(client)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("staff_2fa_verify"), {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_an_old_code_is_refused(client, staff):
    device = enrol(staff)
    sign_in(client)
    response = client.post(
        reverse("staff_2fa_verify"), {"token": code_for(device, offset_steps=-10)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["token"]


def test_the_verify_page_is_not_a_way_round_the_password(client, staff):
    enrol(staff)
    response = client.get(reverse("staff_2fa_verify"))
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_an_unenrolled_user_is_sent_to_enrolment_when_required(client, staff, required):
    sign_in(client)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff_2fa_setup"))


def test_without_the_requirement_an_unenrolled_user_reaches_the_admin(client, staff):
    sign_in(client)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(client, staff, required):
    sign_in(client)
    response = client.get(reverse("staff_2fa_setup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert response.context["secret"].replace(" ", "") in html.replace(" ", "")

    response = client.post(reverse("staff_2fa_setup"), {"token": code_for(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_enrolment_refuses_a_wrong_code(client, staff, required):
    sign_in(client)
    client.get(reverse("staff_2fa_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("staff_2fa_setup"), {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_a_password_alone_cannot_replace_an_enrolled_device(client, staff, required):
    enrol(staff)
    sign_in(client)
    response = client.get(reverse("staff_2fa_setup"))
    assert response["Location"].startswith(reverse("staff_2fa_verify"))
    assert not TOTPDevice.objects.filter(user=staff, confirmed=False).exists()


def test_a_backup_code_signs_in_once(client, staff, required):
    enrol(staff)
    backup = StaticDevice.objects.create(user=staff, name="Backup codes")
    StaticToken.objects.create(device=backup, token="abcd2345")
    sign_in(client)
    response = client.post(reverse("staff_2fa_verify"), {"token": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert not StaticToken.objects.filter(device=backup).exists()

    client.logout()
    sign_in(client)
    response = client.post(reverse("staff_2fa_verify"), {"token": "abcd2345"})
    assert response.status_code == 200


def test_an_operator_resets_a_users_devices(client, staff, required):
    enrol(staff)
    StaticDevice.objects.create(user=staff, name="Backup codes")
    call_command("reset_staff_2fa", "staffer", verbosity=0)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    sign_in(client)
    response = client.get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith(reverse("staff_2fa_setup"))


def test_the_next_address_after_the_code_stays_on_this_site(client, staff):
    device = enrol(staff)
    sign_in(client)
    response = client.post(
        reverse("staff_2fa_verify"),
        {"token": code_for(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("wagtailadmin_home")


# --- Sessions and passwords ---------------------------------------------------------------


def test_an_idle_session_ends(client, staff, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    sign_in(client)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 601
    session.save()
    response = client.get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert "_auth_user_id" not in client.session


def test_staff_sessions_last_eight_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_a_password_shorter_than_twelve_characters_is_refused():
    with pytest.raises(ValidationError):
        validate_password("Xq7#pLm2vR9")
    validate_password("Xq7#pLm2vR9w")


def test_the_account_page_links_to_two_factor_setup(client, staff):
    sign_in(client)
    response = client.get(reverse("wagtailadmin_account"))
    assert response.status_code == 200
    assert reverse("staff_2fa_setup") in response.content.decode()


def test_an_enrolled_user_replaces_their_app_after_passing_the_old_one(client, staff):
    old = enrol(staff)
    sign_in(client)
    client.post(reverse("staff_2fa_verify"), {"token": code_for(old)})
    response = client.get(reverse("staff_2fa_setup"))
    assert response.status_code == 200
    assert response.context["replacing"]
    new = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("staff_2fa_setup"), {"token": code_for(new)})
    assert len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=staff)) == [new]
