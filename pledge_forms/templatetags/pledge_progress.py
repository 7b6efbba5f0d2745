"""The agency's own history on its update page: ``{% pledge_history pledge as history %}``
gives the dated practice changes of ``pledge``, newest day first
(``services.progress.pledge_history``)."""

from django import template

from pledge_forms.services import progress

register = template.Library()


@register.simple_tag
def pledge_history(pledge):
    return progress.pledge_history(pledge) if pledge is not None and pledge.pk else []
