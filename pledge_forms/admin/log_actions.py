"""The plugin's own actions in Wagtail's audit log."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter

from pledge_forms.admin.exports import EXPORT_ACTION, ExportFormatter


def register_pledge_log_actions(actions):
    actions.register_action(
        "pledge_forms.verify", _("Confirm e-mail"), _("E-mail address confirmed")
    )

    @actions.register_action("pledge_forms.decline")
    class DeclineFormatter(LogFormatter):
        label = _("Decline")

        def format_message(self, log_entry):
            return _("Declined")

        def format_comment(self, log_entry):
            # The reason code's label (as it read then), then the reviewer's words.
            parts = [log_entry.data.get("code_label"), log_entry.data.get("reason")]
            return " — ".join(str(part) for part in parts if part)

    @actions.register_action("pledge_forms.request_changes")
    class RequestChangesFormatter(LogFormatter):
        label = _("Request changes")

        def format_message(self, log_entry):
            return _("Changes requested from the agency")

        def format_comment(self, log_entry):
            return log_entry.data.get("comments", "")

    actions.register_action(
        "pledge_forms.revise",
        _("Revise"),
        _("Revised as requested by the agency: back to review"),
    )
    actions.register_action("pledge_forms.approve", _("Approve"), _("Approved"))
    actions.register_action(
        "pledge_forms.resubmit",
        _("Resubmit"),
        _("Resubmitted after a decline: back to review"),
    )
    actions.register_action(
        "pledge_forms.resubmit_waiting",
        _("Resubmission waiting"),
        _("Sent again from the form with another address: waits for the contact"),
    )
    actions.register_action(
        "pledge_forms.withdraw",
        _("Withdraw from the showcase"),
        _("Withdrawn from the showcase (unpublished, not declined)"),
    )
    actions.register_action(
        "pledge_forms.complete", _("Mark completed"), _("Marked as completed")
    )
    actions.register_action(EXPORT_ACTION)(ExportFormatter)
    actions.register_action(
        "pledge_forms.revoke_update_links",
        _("Revoke update links"),
        _("Update links revoked"),
    )
