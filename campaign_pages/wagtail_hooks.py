"""Admin wiring of the campaign pages."""

from wagtail import hooks
from wagtail.models import Page, Site

from campaign_pages.models import NewsIndexPage
from campaign_pages.workflows import attach_news_workflow
from cms.models import SiteSettings
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


def _path_in(site, page) -> str:
    root = site.root_page.url_path
    if not page.url_path.startswith(root):
        return ""  # a page of another site
    return "/" + page.url_path[len(root) :]


@hooks.register(POLICY_PAGES_HOOK)
def site_policy_pages(form_page):
    """The pledge form links to the privacy notice and accessibility statement chosen in
    Settings → Site settings; the notice's live revision versions the consent wording."""
    site = _site_of(form_page) if form_page is not None else None
    if site is None:
        return {}
    found = {}
    for kind, page in SiteSettings.for_site(site).policy_pages.items():
        url = _path_in(site, page)
        if url:
            found[kind] = PolicyPage(page.title, url, str(page.live_revision_id or ""))
    return found
