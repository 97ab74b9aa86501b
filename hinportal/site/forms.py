from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search HIN Portal",
        help_text="Innovations, programmes, publications, networks and integrated care systems. "
        "For example asthma, Hewitt or an ODS code such as QOP.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Search for 200 characters or fewer (you entered %(show_value)d)."},
    )

    def clean_q(self) -> str:
        # Collapse runs of whitespace so that a pasted query matches as typed.
        return " ".join(self.cleaned_data["q"].split())
