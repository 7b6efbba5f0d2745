"""The site's additions to Wagtail's admin: the second factor's pages (cms/staff_auth)."""

from django.urls import path
from wagtail import hooks

from cms.staff_auth.views import SetupView, VerifyView, account_menu_item


@hooks.register("register_admin_urls")
def staff_auth_urls():
    return [
        path("two-factor/", VerifyView.as_view(), name="staff_2fa_verify"),
        path("two-factor/setup/", SetupView.as_view(), name="staff_2fa_setup"),
    ]


hooks.register("register_account_menu_item", account_menu_item)
