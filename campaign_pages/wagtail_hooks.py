"""Admin wiring of the campaign pages."""

from wagtail import hooks

from campaign_pages.models import NewsIndexPage
from campaign_pages.workflows import attach_news_workflow


@hooks.register("after_create_page")
def attach_workflow_to_new_news_index(request, page):
    if isinstance(page.specific, NewsIndexPage):
        attach_news_workflow(page)
