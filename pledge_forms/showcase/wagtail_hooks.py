"""Admin registration of the showcase: curation of featured members, certificate links,
and the member page address the core's e-mails link to."""

from wagtail import hooks

from pledge_forms import localization
from pledge_forms.services.links import MEMBER_URL_HOOK
from pledge_forms.showcase import curation
from pledge_forms.showcase.chooser import member_chooser_viewset
from pledge_forms.showcase.models import showcase_page

hooks.register("register_admin_urls", curation.admin_urls)
hooks.register("register_admin_viewset", lambda: member_chooser_viewset)
hooks.register("register_admin_menu_item", curation.menu_item)
hooks.register("register_snippet_listing_buttons", curation.certificate_buttons)
hooks.register("register_log_actions", curation.register_log_actions)


@hooks.register(MEMBER_URL_HOOK)
def member_url(pledge) -> str:
    """The member's page in the showcase in the pledge's language (its e-mails link
    there), else in the default language."""
    page = showcase_page()
    if page is None:
        return ""
    shown = localization.page_in(page, localization.record_language(pledge))
    return shown.member_url(pledge.slug)
