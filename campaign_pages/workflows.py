"""Moderation of news: the "News review" workflow made by migration 0002."""

from wagtail.models import Workflow, WorkflowPage

from campaign_pages.permissions import WORKFLOW_NAME as NEWS_WORKFLOW_NAME


def attach_news_workflow(news_index) -> bool:
    """Attach "News review" to a news index that has no workflow yet; True if attached."""
    workflow = Workflow.objects.filter(name=NEWS_WORKFLOW_NAME, active=True).first()
    if workflow is None or WorkflowPage.objects.filter(page=news_index).exists():
        return False
    WorkflowPage.objects.create(workflow=workflow, page=news_index)
    return True
