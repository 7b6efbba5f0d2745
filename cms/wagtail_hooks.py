"""The site's additions to Wagtail: the second factor's pages (cms/staff_auth) and what the
page cache learns from a page before it is served."""

from django.urls import path
from wagtail import hooks

from cms import languages, page_cache
from cms.staff_auth.views import SetupView, VerifyView, account_menu_item


@hooks.register("register_admin_urls")
def staff_auth_urls():
    return [
        path("two-factor/", VerifyView.as_view(), name="staff_2fa_verify"),
        path("two-factor/setup/", SetupView.as_view(), name="staff_2fa_setup"),
    ]


hooks.register("register_account_menu_item", account_menu_item)


@hooks.register("before_serve_page")
def note_page_for_the_page_cache(page, request, serve_args, serve_kwargs):
    """Tell the page cache which query parameters the page reads and whether it is private."""
    page_cache.note_page(request, page)


@hooks.register("before_serve_page")
def serve_pages_in_their_own_language(page, request, serve_args, serve_kwargs):
    """A page with no translation in the language asked for is shown at its own address,
    in its own language (cms/languages.py)."""
    return languages.page_in_its_language(page, request)
