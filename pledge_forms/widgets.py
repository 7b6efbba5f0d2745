"""Radio buttons of the pledge form rendered without a template per option."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join


def _input_html(widget: dict) -> str:
    """The markup of Django's ``input.html`` for one option, without a template render."""
    attrs = []
    for name, value in widget["attrs"].items():
        if value is True:
            attrs.append(format_html(" {}", name))
        elif value is not False:
            attrs.append(format_html(' {}="{}"', name, str(value)))
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        format_html_join("", "{}", ((part,) for part in attrs)),
    )


class RadioSelect(forms.RadioSelect):
    """Radio buttons whose inputs (``{{ choice.tag }}``) are built in Python: the pledge form
    has a hundred of them, and a template render for each was a third of the page's cost.
    The markup is the same as Django's."""

    def _render(self, template_name, context, renderer=None):
        if template_name == self.option_template_name and not context["widget"].get(
            "wrap_label"
        ):
            return _input_html(context["widget"])
        return super()._render(template_name, context, renderer)


# Django's templates for these widgets are all ``input.html`` (checked against Django 5.2).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "url",
        "date",
        "checkbox",
        "hidden",
        "number",
        "tel",
    )
)


class InputRenderer(DjangoTemplates):
    """Django's form renderer, except that a plain ``<input>`` is built in Python (the same
    markup as Django's ``input.html``): a long form renders dozens of them, and a template
    render for each is most of the cost of its page. Every other widget uses the templates."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return _input_html(context["widget"])
        return super().render(template_name, context, request)


# One instance per process: a renderer builds its template engine once.
INPUT_RENDERER = InputRenderer()
