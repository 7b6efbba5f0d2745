"""Template tools that let a site restyle the pledge form's templates.

The plugin's public templates draw each visual part (a field, a button, a row of
buttons, a notice, a fieldset…) through an include under ``pledge_forms/includes/``.
A site gives them its own markup by placing templates of the same names in its own
template directory (``DIRS`` is searched before the apps' templates).

- ``{% pledge_part "pledge_forms/includes/notice.html" kind="success" %}…{% endpledge_part %}``
  renders the include with the enclosed markup as ``content`` (already rendered, so
  escaped as usual) and the given values, like ``{% include … with … %}`` around a
  block of markup.
- ``{% practice row %}`` renders ``pledge_forms/includes/practice.html`` for one practice
  of a focus-area step, once per process for the same answers, errors and wording.
- ``{% answer_section section %}`` renders ``pledge_forms/includes/answer_section.html``
  for one step's answers on "check your answers", once per process for the same rows.
- ``{{ field|with_class:"usa-input" }}`` renders a form field's widget, or one choice of
  a radio or checkbox group (``{% for choice in field %}``), with extra CSS classes,
  keeping every attribute Django gives it (id, ``aria-describedby``, ``aria-invalid``).
"""

import threading
from collections import OrderedDict

from django import forms, template
from django.template.loader_tags import IncludeNode
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

PRACTICE_TEMPLATE = "pledge_forms/includes/practice.html"
ANSWER_SECTION_TEMPLATE = "pledge_forms/includes/answer_section.html"


class Kept:
    """What this process made (markup, a form), under a key that decides it entirely
    (the last ``size`` used)."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, render):
        with self._lock:
            html = self._values.get(key)
            if html is not None:
                self._values.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._values[key] = html
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return html


# A focus-area step shows four or five practices, each a radio group and four fields: most
# visitors see them unanswered, and a practice's markup is decided by its rendering key.
_practices = Kept(1000)
# Selects with a fixed list of options (countries, regions, filters): hundreds of options,
# each rendered by a widget template, for the same few values.
_selects = Kept(500)
# "Check your answers" lists a step's answers as rows of text: a focus area's practices
# read alike for every agency that gave the same statuses, and every section is shown
# again as the agency goes back and forth between "Change" and the list.
_answer_sections = Kept(500)


@register.simple_tag(takes_context=True)
def practice(context, row):
    """``includes/practice.html`` for ``row`` (a ``forms.PracticeRow``)."""

    def render():
        with context.push(row=row):
            engine = context.template.engine
            return engine.get_template(PRACTICE_TEMPLATE).render(context)

    return _practices.get(
        (context.template.engine, get_language(), row.rendering_key()), render
    )


@register.simple_tag(takes_context=True)
def answer_section(context, section):
    """``includes/answer_section.html`` for ``section`` (a step, its link and rows of
    label, lines and anchor, as ``wizard._answer_sections`` lists them)."""

    def render():
        with context.push(section=section):
            engine = context.template.engine
            return engine.get_template(ANSWER_SECTION_TEMPLATE).render(context)

    step = section["step"]
    key = (
        context.template.engine,
        get_language(),
        step.slug,
        str(step.title),
        section["url"],
        tuple(
            (str(row["label"]), tuple(map(str, row["lines"])), row["anchor"])
            for row in section["rows"]
        ),
    )
    return _answer_sections.get(key, render)


class PartNode(IncludeNode):
    def __init__(self, template_name, nodelist, extra_context):
        super().__init__(template_name, extra_context=extra_context)
        self.nodelist = nodelist

    def render(self, context):
        content = SafeString(self.nodelist.render(context))
        with context.push(content=content):
            return super().render(context)


@register.tag("pledge_part")
def do_pledge_part(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes the name of the template to render"
        )
    extra = template.base.token_kwargs(bits[2:], parser)
    if len(extra) != len(bits) - 2:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes name=value pairs after the template's name"
        )
    nodelist = parser.parse(("endpledge_part",))
    parser.delete_first_token()
    return PartNode(parser.compile_filter(bits[1]), nodelist, extra)


def _classes(*values) -> str:
    return " ".join(name for value in values if value for name in value.split())


def _render_field(field, classes: str):
    widget = field.field.widget
    attrs = {"class": _classes(widget.attrs.get("class"), classes)}
    html = field.as_widget(attrs=attrs)
    if field.field.show_hidden_initial:
        html += field.as_hidden(only_initial=True)
    return html


def _select_key(field, classes: str):
    """What a select with a fixed list of options renders from (its name, id, options,
    value, errors, help and state), or None for any other field (a model's choices come
    from a query)."""
    widget, form_field = field.field.widget, field.field
    if not isinstance(widget, forms.Select) or isinstance(
        form_field, forms.ModelChoiceField
    ):
        return None
    return (
        type(widget),
        classes,
        repr(widget.attrs),
        field.html_name,
        field.auto_id,
        repr(list(widget.choices)),
        repr(field.value()),
        tuple(map(str, field.errors)),
        str(field.help_text),
        form_field.required,
        form_field.disabled,
        form_field.show_hidden_initial,
        get_language(),
    )


@register.filter
def with_class(field, classes: str):
    """The widget of a bound ``field`` (or one choice of it) with ``classes`` added."""
    if isinstance(field, forms.BoundField):
        key = _select_key(field, classes)
        if key is not None:
            return _selects.get(key, lambda: _render_field(field, classes))
        return _render_field(field, classes)
    if isinstance(field, forms.boundfield.BoundWidget):
        attrs = dict(field.data["attrs"])
        attrs["class"] = _classes(attrs.get("class"), classes)
        context = {"widget": {**field.data, "attrs": attrs, "wrap_label": False}}
        return field.parent_widget._render(field.template_name, context, field.renderer)
    return field
