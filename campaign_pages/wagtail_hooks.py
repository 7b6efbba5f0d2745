"""Admin wiring of the campaign pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page, Site

from campaign_pages.models import NewsIndexPage
from campaign_pages.workflows import attach_news_workflow
from cms import topics
from cms.models import SiteSettings
from pledge_forms.localization import locale_language, page_in
from pledge_forms.services.privacy import POLICY_PAGES_HOOK, PolicyPage


@hooks.register("after_create_page")
def attach_workflow_to_new_news_index(request, page):
    if isinstance(page.specific, NewsIndexPage):
        attach_news_workflow(page)


def _site_of(page):
    """The site ``page`` belongs to, from the database alone: a pledge is stored even
    while the cache (where Wagtail keeps its site root paths) is down."""
    step = Page.steplen
    paths = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    return (
        Site.objects.filter(root_page__path__in=paths)
        .select_related("root_page")
        .order_by("-root_page__depth", "-is_default_site")
        .first()
    )


@hooks.register(POLICY_PAGES_HOOK)
def site_policy_pages(form_page):
    """The pledge form links to the privacy notice and accessibility statement chosen in
    Settings → Site settings, in the form page's language when they are translated; the
    notice's live revision versions the consent wording."""
    if form_page is None:
        return {}
    # The same until pages or the settings change (cms/topics.py); the generations are the
    # request's being served (cms/serve.py), or read from the shared cache without one.
    return topics.memo.get(
        None,
        ("policy-pages", form_page.pk, locale_language(form_page.locale_id)),
        (topics.SITE, topics.PAGES),
        lambda: _policy_pages(form_page),
    )


def _policy_pages(form_page) -> dict:
    site = _site_of(form_page)
    if site is None:
        return {}
    found = {}
    for kind, page in SiteSettings.for_site(site).policy_pages.items():
        page = page_in(page, locale_language(form_page.locale_id))
        url = page.relative_url(site)
        if url:
            found[kind] = PolicyPage(page.title, url, str(page.live_revision_id or ""))
    return found


@hooks.register("register_log_actions")
def register_demo_translation_action(actions):
    # Written by the demo content's translations (campaign_pages.demo_translations).
    actions.register_action(
        "campaign_pages.demo_translation",
        _("Demo translation"),
        _("Demo translation, written for this project (not official campaign text)"),
    )
