from django import forms
from django.template import Context, Template


class ExampleForm(forms.Form):
    name = forms.CharField(label="Innovation name", help_text="As its innovator names it.", max_length=20)
    setting = forms.ChoiceField(
        label="Care setting", choices=[("acute", "Acute"), ("primary", "Primary care")], widget=forms.RadioSelect
    )
    consent = forms.BooleanField(label="I confirm this is accurate")
    areas = forms.MultipleChoiceField(
        label="Clinical areas",
        choices=[("cancer", "Cancer"), ("stroke", "Stroke")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def render(form: forms.Form) -> str:
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def test_it_renders_labels_hints_and_nhsuk_inputs():
    html = render(ExampleForm())
    assert '<label class="nhsuk-label" for="id_name">Innovation name</label>' in html
    assert '<div class="nhsuk-hint" id="id_name-hint">As its innovator names it.</div>' in html
    assert 'class="nhsuk-input"' in html
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Care setting</legend>' in html
    assert 'class="nhsuk-radios__input" id="id_setting_0"' in html
    assert 'class="nhsuk-checkboxes__input"' in html
    assert "There is a problem" not in html


def test_a_multiple_choice_is_checkboxes_and_a_single_choice_radios():
    html = render(ExampleForm())
    areas = html[html.index("Clinical areas</legend>") :]
    setting = html[html.index("Care setting</legend>") : html.index('name="consent"')]
    # Django's CheckboxSelectMultiple subclasses RadioSelect: the pack must test the subclass first.
    assert 'class="nhsuk-checkboxes" data-module="nhsuk-checkboxes"' in areas and "nhsuk-radios" not in areas
    assert 'type="checkbox" value="cancer"' in areas
    assert 'class="nhsuk-radios" data-module="nhsuk-radios"' in setting and "nhsuk-checkboxes__input" not in setting


def test_each_choice_is_written_as_django_would_bind_it_checked_escaped_and_labelled():
    """The pack writes choice items itself (for speed); each must still be the widget's own option."""

    class Chosen(forms.Form):
        areas = forms.MultipleChoiceField(
            label="Clinical areas",
            choices=[("cancer", "Cancer & <b>tumours</b> (12)"), (3, "Stroke")],
            widget=forms.CheckboxSelectMultiple,
        )

    form = Chosen({"areas": ["3"]})
    html = render(form)
    for option in form["areas"].subwidgets:
        assert f'id="{option.id_for_label}" name="areas" type="checkbox" value="{option.data["value"]}"' in html
        assert f'<label class="nhsuk-label nhsuk-checkboxes__label" for="{option.id_for_label}">' in html
    assert 'value="3" checked>' in html and 'value="cancer">' in html
    assert "Cancer &amp; &lt;b&gt;tumours&lt;/b&gt; (12)</label>" in html and "<b>" not in html
    assert 'id="id_areas_2"' not in html


def test_the_catalogue_filters_are_checkboxes(client, db):
    html = client.get("/innovations/").content.decode()
    assert 'class="nhsuk-checkboxes__input" id="id_category_0"' in html
    assert "nhsuk-radios" not in html


def test_it_summarises_errors_at_the_top_linking_to_each_field_and_keeps_the_input():
    form = ExampleForm({"name": "x" * 25, "setting": ""})
    assert not form.is_valid()
    html = render(form)
    assert html.index("There is a problem") < html.index('<label class="nhsuk-label" for="id_name">')
    assert '<a href="#id_name">' in html
    assert '<a href="#id_setting_0">This field is required.</a>' in html
    assert '<a href="#id_consent">This field is required.</a>' in html
    assert 'class="nhsuk-input nhsuk-input--error"' in html
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>' in html
    assert 'value="' + "x" * 25 + '"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
