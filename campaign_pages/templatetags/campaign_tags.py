"""Site-wide navigation for the templates: main menu and breadcrumbs in one query."""

from dataclasses import dataclass, field

from django import template
from django.db.models import Q
from wagtail.models import Page, Site

register = template.Library()

STEPLEN = Page.steplen


@dataclass
class Navigation:
    menu: list = field(default_factory=list)
    breadcrumbs: list = field(default_factory=list)


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The main menu (live pages under the site's home with "show in menus" ticked) and
    the breadcrumbs of the current page (its live ancestors from home), in one query.
    """
    request = context.get("request")
    page = context.get("page")
    cached = getattr(request, "_campaign_navigation", None)
    if cached is not None:
        return cached
    navigation = Navigation()
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return navigation
    root = site.root_page
    in_menu = Q(
        path__startswith=root.path,
        depth=root.depth + 1,
        show_in_menus=True,
    )
    condition = in_menu
    page_path = getattr(page, "path", None) if getattr(page, "pk", None) else None
    ancestor_paths = []
    if page_path and page_path.startswith(root.path) and page.depth > root.depth:
        ancestor_paths = [
            page_path[: STEPLEN * depth] for depth in range(root.depth, page.depth)
        ]
        condition |= Q(path__in=ancestor_paths)
    rows = (
        Page.objects.filter(condition)
        .live()
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth", "show_in_menus")
    )
    for row in rows:
        if row.depth == root.depth + 1 and row.show_in_menus:
            navigation.menu.append(row)
        if row.path in ancestor_paths:
            navigation.breadcrumbs.append(row)
    if request is not None:
        request._campaign_navigation = navigation
    return navigation


@register.filter
def is_current_section(menu_item, page):
    """True when ``page`` is ``menu_item`` or lies below it (for aria-current)."""
    if page is None or not getattr(page, "path", None):
        return False
    return page.path.startswith(menu_item.path)
