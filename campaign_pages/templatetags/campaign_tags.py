"""Site-wide navigation for the templates: main menu and breadcrumbs in one query."""

from dataclasses import dataclass, field

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, Site

from cms import languages, topics
from pledge_forms.models import PledgeFormPage

register = template.Library()

STEPLEN = Page.steplen


@dataclass
class Navigation:
    menu: list = field(default_factory=list)
    breadcrumbs: list = field(default_factory=list)
    # The site's pledge form ("Take the pledge" in the header): its first live pledge form
    # page, in tree order.
    pledge_page: Page | None = None


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The main menu (live pages under the site's home with "show in menus" ticked), the
    breadcrumbs of the current page (its live ancestors from home) and the site's pledge
    form page, in one query.
    """
    request = context.get("request")
    page = context.get("page")
    cached = getattr(request, "_campaign_navigation", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return Navigation()
    page_path = getattr(page, "path", None) if getattr(page, "pk", None) else None
    # The same for every request of this page until pages change (cms/topics.py).
    navigation = topics.memo.get(
        request,
        ("navigation", site.pk, languages.home_url_path(site), page_path),
        (topics.SITE, topics.PAGES),
        lambda: _navigation(site, page),
    )
    if request is not None:
        request._campaign_navigation = navigation
    return navigation


def _navigation(site, page) -> Navigation:
    navigation = Navigation()
    root = site.root_page
    # The home page in the page's language: its translations are its siblings.
    home = languages.home_url_path(site) or root.url_path
    in_menu = Q(
        url_path__startswith=home,
        depth=root.depth + 1,
        show_in_menus=True,
    )
    pledge_form_type = ContentType.objects.get_for_model(PledgeFormPage)
    condition = in_menu | Q(url_path__startswith=home, content_type=pledge_form_type)
    page_path = getattr(page, "path", None) if getattr(page, "pk", None) else None
    ancestor_paths = []
    if page_path and str(page.url_path).startswith(home) and page.depth > root.depth:
        ancestor_paths = [
            page_path[: STEPLEN * depth] for depth in range(root.depth, page.depth)
        ]
        condition |= Q(path__in=ancestor_paths)
    rows = (
        Page.objects.filter(condition)
        .live()
        .order_by("path")
        .only(
            "id", "title", "url_path", "path", "depth", "show_in_menus", "content_type"
        )
    )
    for row in rows:
        if (
            row.content_type_id == pledge_form_type.pk
            and navigation.pledge_page is None
        ):
            navigation.pledge_page = row
        if row.depth == root.depth + 1 and row.show_in_menus:
            navigation.menu.append(row)
        if row.path in ancestor_paths:
            navigation.breadcrumbs.append(row)
    return navigation


@register.filter
def is_current_section(menu_item, page):
    """True when ``page`` is ``menu_item`` or lies below it (for aria-current)."""
    if page is None or not getattr(page, "path", None):
        return False
    return page.path.startswith(menu_item.path)
