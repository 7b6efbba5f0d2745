"""Form controls in the design system's markup, for templates that render a plugin's or a
filter set's fields: ``{% load uswds_tags %}`` then ``{{ field|uswds_control }}``.

The field is rendered by its own widget (its id, name, value, ``aria-describedby`` and
``aria-invalid`` stay Django's); only the design system's class for that kind of control
is added to the classes the widget already has."""

from django import forms, template
from django.forms.widgets import Input

from pledge_forms.templatetags.pledge_parts import with_class

register = template.Library()

CONTROL_CLASSES = (
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (Input, "usa-input"),
)


def control_class(widget: forms.Widget) -> str:
    """The design system's class for ``widget`` (a select, a text area, an input), or ""."""
    for widget_class, css_class in CONTROL_CLASSES:
        if isinstance(widget, widget_class):
            return css_class
    return ""


@register.filter
def uswds_control(field: forms.BoundField):
    """``field`` rendered with the design system's class of its control (added to its own
    classes by the plugin's ``with_class``)."""
    return with_class(field, control_class(field.field.widget))
