"""Wagtail hooks of the site package: registration only."""

from wagtail import hooks

from cms import page_cache


@hooks.register("before_serve_page")
def note_page_for_the_page_cache(page, request, serve_args, serve_kwargs):
    """Tell the page cache which query parameters the page reads and whether it is private."""
    page_cache.note_page(request, page)
