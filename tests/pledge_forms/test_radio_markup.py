"""The pledge form's radio groups: each input has its label, values are escaped, the
choice made survives an error, and an error is tied to the group for assistive technology."""

from html.parser import HTMLParser

from django import forms
from django.template.loader import render_to_string

CHOICES = [("in_place", "In place"), ('a"b<c>', "Odd <value>"), ("planned", "Planned")]


class Form(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=CHOICES, widget=forms.RadioSelect
    )


class Markup(HTMLParser):
    """The radio inputs, labels and fieldset of a rendered field."""

    def __init__(self, html):
        super().__init__()
        self.inputs, self.labels, self.fieldsets, self.ids = [], {}, [], {}
        self._label_for = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        if tag == "input" and attrs.get("type") == "radio":
            self.inputs.append(attrs)
        elif tag == "label":
            self._label_for = attrs.get("for")
            self.labels[self._label_for] = ""
        elif tag == "fieldset":
            self.fieldsets.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for is not None:
            self.labels[self._label_for] += data


def render(data=None):
    form = Form(data=data)
    if form.is_bound:
        form.is_valid()
    html = render_to_string(
        "pledge_forms/includes/field.html", {"field": form["status"]}
    )
    return html, Markup(html)


def test_every_radio_has_a_label_tied_to_it():
    _html, markup = render()
    assert [radio["name"] for radio in markup.inputs] == ["status"] * 3
    ids = [radio["id"] for radio in markup.inputs]
    assert len(set(ids)) == 3
    assert [markup.labels[id_] for id_ in ids] == [label for _v, label in CHOICES]


def test_values_and_labels_are_escaped():
    html, markup = render()
    assert [radio["value"] for radio in markup.inputs] == [v for v, _l in CHOICES]
    assert "<c>" not in html and "<value>" not in html
    assert 'value="a&quot;b&lt;c&gt;"' in html and "Odd &lt;value&gt;" in html


def test_the_choice_made_stays_checked_when_the_form_comes_back():
    _html, markup = render({"status": 'a"b<c>'})
    checked = [radio["value"] for radio in markup.inputs if "checked" in radio]
    assert checked == ['a"b<c>']
    _html, markup = render()
    assert not any("checked" in radio for radio in markup.inputs)


def test_an_error_marks_the_radios_invalid_and_describes_the_group():
    _html, markup = render({"status": "nonsense"})
    assert all(radio.get("aria-invalid") == "true" for radio in markup.inputs)
    (fieldset,) = markup.fieldsets
    assert fieldset["aria-describedby"] == "id_status_error"
    assert markup.ids["id_status_error"] == "p"
    _html, markup = render({"status": "planned"})
    assert not any("aria-invalid" in radio for radio in markup.inputs)
    assert "aria-describedby" not in markup.fieldsets[0]
