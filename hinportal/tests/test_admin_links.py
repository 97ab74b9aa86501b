"""Links typed in the staff screens without their scheme are taken as https, in every admin form and
inline that has a link (hinportal.lib.admin.LINKS_ASSUME_HTTPS), as Django 6 will take them."""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory


def test_every_link_in_the_staff_screens_is_taken_as_https(db):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("links", "links@example.nhs.uk", "x")
    checked = []
    for model, model_admin in admin.site._registry.items():
        form_classes = [model_admin.get_form(request)]
        form_classes += [inline(model, admin.site).get_formset(request).form for inline in model_admin.inlines]
        for form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.URLField):
                    assert field.clean("www.example.nhs.uk/page") == "https://www.example.nhs.uk/page", (model, name)
                    checked.append(f"{form_class._meta.model.__name__}.{name}")
    # The links the models have, in their admins and inlines, were all checked.
    for link in ("Innovation.website", "EvidenceItem.url", "Network.website", "HeadlineFigure.source_url"):
        assert link in checked, link
