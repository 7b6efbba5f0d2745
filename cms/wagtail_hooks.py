"""The site's additions to Wagtail: the second factor's pages (cms/staff_auth), what the
page cache learns from a page before it is served, and the site text snippet."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import languages, page_cache, site_text
from cms.models import SiteText
from cms.staff_auth.views import SetupView, VerifyView, account_menu_item
from pledge_forms.conf import SITE_NAME_HOOK


@hooks.register("register_admin_urls")
def staff_auth_urls():
    return [
        path("two-factor/", VerifyView.as_view(), name="staff_2fa_verify"),
        path("two-factor/setup/", SetupView.as_view(), name="staff_2fa_setup"),
    ]


hooks.register("register_account_menu_item", account_menu_item)


@hooks.register("before_serve_page")
def note_page_for_the_page_cache(page, request, serve_args, serve_kwargs):
    """Tell the page cache which query parameters the page reads, whether it is private and
    what it shows."""
    page_cache.note_page(request, page, serve_args, serve_kwargs)


@hooks.register("before_serve_page")
def serve_pages_in_their_own_language(page, request, serve_args, serve_kwargs):
    """A page with no translation in the language asked for is shown at its own address,
    in its own language (cms/languages.py)."""
    return languages.page_in_its_language(page, request)


@hooks.register(SITE_NAME_HOOK)
def site_name_in_the_active_language() -> str:
    """The plugin's e-mails, badges and certificates name the campaign as the site text
    of their language does."""
    return site_text.site_text().site_name


class SiteTextViewSet(SnippetViewSet):
    model = SiteText
    icon = "globe"
    menu_label = _("Site text")
    add_to_settings_menu = True
    list_display = ["site_name", "footer_text"]


register_snippet(SiteTextViewSet)
