"""Admin registration of the pledge plugin's core (the code lives in ``pledge_forms.admin``)."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.options import modeladmin_register

from pledge_forms.admin.dashboard import review_queue_panel
from pledge_forms.admin.erasure import (
    erase_button,
    erasure_urls,
    register_erasure_log_actions,
)
from pledge_forms.admin.evidence import evidence_urls
from pledge_forms.admin.inbox import PledgeInboxGroup
from pledge_forms.admin.log_actions import register_pledge_log_actions
from pledge_forms.admin.my_exports import my_exports_menu_item, my_exports_urls
from pledge_forms.admin.views import (
    pledge_review_buttons,
    refuse_publishing_unconfirmed_pledges,
)
from pledge_forms.admin.viewsets import (
    ChecklistGroup,
    DeclineReasonViewSet,
    PledgeViewSet,
)

register_snippet(PledgeViewSet)
register_snippet(ChecklistGroup)
register_snippet(DeclineReasonViewSet)
modeladmin_register(PledgeInboxGroup)

hooks.register("register_log_actions", register_pledge_log_actions)
hooks.register("register_snippet_listing_buttons", pledge_review_buttons)
hooks.register("before_publish", refuse_publishing_unconfirmed_pledges)
hooks.register("register_reports_menu_item", my_exports_menu_item)
hooks.register("register_admin_urls", my_exports_urls)
hooks.register("register_log_actions", register_erasure_log_actions)
hooks.register("register_snippet_listing_buttons", erase_button)
hooks.register("register_admin_urls", erasure_urls)
hooks.register("register_admin_urls", evidence_urls)
hooks.register("construct_homepage_panels", review_queue_panel)
