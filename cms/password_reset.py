"""The admin's password-reset e-mail, sent by a task worker rather than in the request.

Django's form renders and sends the message in the request: with SMTP hanging, "Reset my
password" would wait ``EMAIL_TIMEOUT``. This form renders it the same way (same templates,
same context, so the link and its token are the ones Django makes) and enqueues the sending. Wagtail uses it through
``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``.
"""

from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django_tasks import task
from wagtail.admin.forms.auth import PasswordResetForm


@task(priority=10)
def send_password_reset(
    subject: str, body: str, html: str, from_email: str | None, to_email: str
) -> None:
    """The task: send one rendered password-reset message."""
    message = EmailMultiAlternatives(subject, body, from_email, [to_email])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = loader.render_to_string(subject_template_name, context)
        subject = "".join(subject.splitlines())  # never a header injection
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else ""
        )
        # Enqueued at once: the task needs no row of this request (the reset view writes
        # none), and the database backend stores the task in its own autocommit.
        send_password_reset.enqueue(subject, body, html, from_email, to_email)
