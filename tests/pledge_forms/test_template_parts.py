"""A site restyles the pledge form by overriding its includes; without that, the
plugin's own markup and stylesheet serve (a site without a design system)."""

import re
from pathlib import Path

import pytest
from django import forms
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError

from tests.pledge_forms.steps_walk import step_slugs, step_url, walk

PLUGIN_SITE_TEMPLATES = Path(__file__).resolve().parent.parent / "testapp" / "templates"


def render(source: str, **context) -> str:
    return Template("{% load pledge_parts %}" + source).render(Context(context))


@pytest.fixture
def box_template(settings):
    """A site's template for a part: a box around its content."""
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "box.html": '<div class="box box--{{ kind }}">'
                            "{% if legend %}<b>{{ legend }}</b>{% endif %}"
                            "{{ content }}</div>"
                        },
                    )
                ]
            },
        }
    ]


def test_a_part_wraps_the_enclosed_markup_in_the_include_it_names(box_template):
    html = render(
        '{% pledge_part "box.html" kind="success" %}<p>{{ text }}</p>{% endpledge_part %}',
        text="<b>Saved</b>",
    )
    # The enclosed markup is rendered once, escaped as anywhere else.
    assert html == '<div class="box box--success"><p>&lt;b&gt;Saved&lt;/b&gt;</p></div>'


def test_parts_nest_and_each_keeps_its_own_values(box_template):
    html = render(
        '{% pledge_part "box.html" legend="Outer" kind="a" %}<p>{{ kind }}</p>'
        '{% pledge_part "box.html" legend="Inner" %}<p>field</p>{% endpledge_part %}'
        "{% endpledge_part %}"
    )
    assert html == (
        '<div class="box box--a"><b>Outer</b><p></p>'
        '<div class="box box--"><b>Inner</b><p>field</p></div></div>'
    )


def test_a_part_needs_the_name_of_its_template(box_template):
    with pytest.raises(TemplateSyntaxError):
        render("{% pledge_part %}x{% endpledge_part %}")
    with pytest.raises(TemplateSyntaxError):
        render('{% pledge_part "box.html" info %}{% endpledge_part %}')


class StatusForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="As written",
        widget=forms.TextInput(attrs={"class": "wide"}),
    )
    status = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )


def test_with_class_adds_classes_and_keeps_what_django_says_of_the_field():
    form = StatusForm({"name": "", "status": "b"})
    form.is_valid()
    html = render('{{ form.name|with_class:"usa-input usa-input--error" }}', form=form)
    assert 'class="wide usa-input usa-input--error"' in html
    assert 'id="id_name"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html


def test_with_class_renders_one_choice_of_a_group_as_django_would():
    form = StatusForm({"name": "x", "status": "b"})
    form.is_valid()
    html = render(
        '{% for choice in form.status %}{{ choice|with_class:"usa-radio__input" }}'
        "{% endfor %}",
        form=form,
    )
    inputs = re.findall(r"<input [^>]+>", html)
    assert len(inputs) == 2
    assert all('class="usa-radio__input"' in tag for tag in inputs)
    assert ['id="id_status_0"' in inputs[0], 'id="id_status_1"' in inputs[1]] == [
        True,
        True,
    ]
    assert "checked" not in inputs[0] and "checked" in inputs[1]
    # Django's own rendering, but for the class.
    plain = "".join(str(choice.tag()) for choice in form["status"])
    assert html.replace(' class="usa-radio__input"', "") == plain


@pytest.mark.django_db
def test_the_plugin_alone_serves_its_own_markup_and_stylesheet(
    client, form_page, settings
):
    """In a site without the design system (no overrides), every step is drawn with the
    plugin's own classes and links the plugin's stylesheet."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [PLUGIN_SITE_TEMPLATES]}]
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    cache.clear()
    first = client.post(step_url(form_page, "agency"), {"action": "next"})
    html = first.content.decode()
    assert 'href="/static/pledge_forms/pledge_form.css"' in html
    assert 'id="pf-error-summary"' in html and 'class="pf-error-summary"' in html
    assert 'class="pf-field pf-field--error"' in html
    assert "usa-" not in html
    slugs = step_slugs(client, form_page)
    walk(client, form_page)
    for slug in [*slugs, "check"]:
        html = client.get(step_url(form_page, slug)).content.decode()
        assert 'href="/static/pledge_forms/pledge_form.css"' in html, slug
        assert 'class="pf-actions"' in html, slug
        assert "usa-" not in html, slug
