"""The pledge form's privacy wording: ``{% pledge_privacy page as privacy %}`` gives the
consent legend and help the form shows (the same text each submission records) and the
site's privacy notice and accessibility statement (``services.privacy.policy_pages``)."""

from django import template

from pledge_forms.services import privacy

register = template.Library()


@register.simple_tag
def pledge_privacy(page):
    pages = privacy.policy_pages(page)
    return {
        "legend": privacy.CONSENT_LEGEND,
        "help": privacy.CONSENT_HELP,
        "notice": pages.get(privacy.PRIVACY),
        "accessibility": pages.get(privacy.ACCESSIBILITY),
    }
