"""Site-wide navigation for the templates: main menu and breadcrumbs."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Live pages directly under the site's home page with "show in menus" ticked."""
    request = context.get("request")
    cache = getattr(request, "_campaign_menu", None) if request else None
    if cache is not None:
        return cache
    site = Site.find_for_request(request) if request else None
    if not site:
        return []
    items = list(
        Page.objects.child_of(site.root_page)
        .live()
        .in_menu()
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth")
    )
    if request is not None:
        request._campaign_menu = items
    return items


@register.simple_tag
def breadcrumbs(page):
    """The live ancestors of ``page`` below the tree root (home first), in one query."""
    if page is None or not getattr(page, "pk", None) or page.depth <= 2:
        return []
    return list(
        Page.objects.ancestor_of(page)
        .filter(depth__gt=1)
        .live()
        .order_by("depth")
        .only("id", "title", "url_path", "path", "depth")
    )


@register.filter
def is_current_section(menu_item, page):
    """True when ``page`` is ``menu_item`` or lies below it (for aria-current)."""
    if page is None or not getattr(page, "path", None):
        return False
    return page.path.startswith(menu_item.path)
