"""The pledge form's radio buttons have exactly Django's markup, escaping included."""

from django import forms

from pledge_forms.widgets import RadioSelect

CHOICES = [("in_place", "In place"), ('a"b<c>', "Odd <value>"), ("", "None")]


def make_form(widget, data=None):
    class Form(forms.Form):
        status = forms.ChoiceField(
            choices=CHOICES, widget=widget(attrs={"data-x": 'q"<'})
        )

    return Form(data=data)


def tags(form):
    return [str(choice.tag()) for choice in form["status"]]


def test_radio_inputs_match_djangos_for_an_empty_form():
    assert tags(make_form(RadioSelect)) == tags(make_form(forms.RadioSelect))


def test_radio_inputs_match_djangos_when_checked_or_in_error():
    for data in ({"status": 'a"b<c>'}, {"status": "nonsense"}, {}):
        ours = make_form(RadioSelect, data)
        django = make_form(forms.RadioSelect, data)
        ours.is_valid()
        django.is_valid()
        assert tags(ours) == tags(django)
    checked = tags(make_form(RadioSelect, {"status": 'a"b<c>'}))
    assert 'value="a&quot;b&lt;c&gt;"' in checked[1] and " checked" in checked[1]
    assert "<c>" not in "".join(checked)


def test_a_label_wrapping_radio_still_uses_djangos_template():
    ours = [str(choice) for choice in make_form(RadioSelect)["status"]]
    django = [str(choice) for choice in make_form(forms.RadioSelect)["status"]]
    assert ours == django


def test_plain_inputs_match_djangos_templates():
    import datetime

    from django.forms.renderers import DjangoTemplates

    from pledge_forms.widgets import INPUT_RENDERER

    class Form(forms.Form):
        text = forms.CharField(max_length=5, widget=forms.TextInput({"data-x": '"<'}))
        email = forms.EmailField(required=False)
        url = forms.URLField(assume_scheme="https")
        date = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )
        box = forms.BooleanField(required=False)
        hidden = forms.CharField(widget=forms.HiddenInput)

    data = {"text": '"><script>', "email": "x", "box": "on", "hidden": "a&b"}
    for kwargs in (
        {},
        {"data": data},
        {"initial": {"date": datetime.date(2026, 1, 2)}},
    ):
        ours = Form(renderer=INPUT_RENDERER, **kwargs)
        django = Form(renderer=DjangoTemplates(), **kwargs)
        if ours.is_bound:  # errors add aria attributes
            ours.is_valid()
            django.is_valid()
        for name in ours.fields:
            assert str(ours[name]) == str(django[name]), name
    html = str(Form(renderer=INPUT_RENDERER, data=data)["text"])
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html
