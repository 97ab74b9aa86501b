"""One error style: NHS.UK's summary and messages, words that name the field, "Error:" in the
title whenever a form shows errors, no pre-checked empty choice and no autofocus."""

from django import forms

from hinportal.lib.forms import NhsukForm


class Example(NhsukForm, forms.Form):
    name = forms.CharField(label="Name of the shortlist")
    kind = forms.ChoiceField(label="Category", choices=[("", "---------"), ("a", "A")], widget=forms.RadioSelect)
    areas = forms.MultipleChoiceField(label="Clinical areas", choices=[("x", "X")])
    custom = forms.CharField(label="Custom", error_messages={"required": "Say something custom."})
    code = forms.CharField(label="ODS code", widget=forms.TextInput(attrs={"autofocus": True}))


def test_required_fields_name_themselves_and_radios_have_no_empty_choice():
    form = Example({})
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter name of the shortlist"]
    assert form.errors["kind"] == ["Select category"]
    assert form.errors["areas"] == ["Select clinical areas"]
    assert form.errors["custom"] == ["Say something custom."]
    assert form.errors["code"] == ["Enter ODS code"]
    assert [value for value, _ in form.fields["kind"].choices] == ["a"]
    assert "autofocus" not in str(form["code"])


def test_sign_in_names_the_missing_fields_once_each_and_puts_error_in_the_title(client, db):
    page = client.get("/account/sign-in/").content.decode()
    assert "autofocus" not in page
    assert "<title>Sign in" in page
    html = client.post("/account/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "<title>Error: Sign in" in html
    assert "This field is required." not in html
    assert html.count("Enter your username") == 2  # in the summary and at the field
    assert html.count("Enter your password") == 2
    assert 'class="nhsuk-error-summary"' in html


def test_password_reset_names_the_email_field(client, db):
    html = client.post("/account/password-reset/", {"email": ""}).content.decode()
    assert "<title>Error: " in html and "Enter your email address" in html


def test_the_submission_form_has_no_pre_checked_empty_category_and_one_error_prefix(client_as):
    lead = client_as("ICS lead")
    page = lead.get("/ics/harbourside/workspace/submit/").content.decode()
    assert 'value=""' not in page.split('name="category"')[1].split(">")[0]
    assert 'name="category" type="radio" value="" checked' not in page
    html = lead.post("/ics/harbourside/workspace/submit/", {"name": ""}).content.decode()
    assert html.count("Error: ") >= 1 and "<title>Error: Submit an innovation" in html
    assert "<title>Error: Error:" not in html
