from __future__ import annotations

from django import forms

from pricing import formats
from pricing.models import BaseModel, CatalogVersion, Provider
from pricing.services import PRICE_KINDS


class PriceFilterForm(forms.Form):
    """GET filters of the prices page; choices come from the version shown."""

    kind = forms.ChoiceField(required=False)
    provider = forms.ChoiceField(required=False)
    model = forms.ChoiceField(required=False)

    def __init__(self, data, *, version: CatalogVersion) -> None:
        super().__init__(data)
        self.fields["kind"].choices = [("", "All kinds"), *PRICE_KINDS.items()]
        providers = Provider.objects.filter(version=version).values_list("slug", "name")
        self.fields["provider"].choices = [("", "All providers"), *providers]
        models = BaseModel.objects.filter(version=version).values_list("slug", "name")
        self.fields["model"].choices = [("", "All models"), *models]

    def filters(self) -> dict[str, str]:
        """Valid filters only: an unknown value is ignored rather than failing the page."""
        if self.is_valid():
            return {name: self.cleaned_data[name] or "" for name in ("kind", "provider", "model")}
        return {name: "" for name in ("kind", "provider", "model")}


class CompareForm(forms.Form):
    size = forms.FloatField(
        min_value=0.1, max_value=5000, initial=8, label="Model size (billions of parameters)"
    )


class DiffForm(forms.Form):
    from_ = forms.ChoiceField(label="From")
    to = forms.ChoiceField(label="To")

    def __init__(self, data, *, versions) -> None:
        # "from" is a Python keyword: the form field is from_ and reads the "from" GET key.
        data = {"from_": data.get("from"), "to": data.get("to")} if data else None
        super().__init__(data)
        choices = [(v.slug, str(v)) for v in versions]
        self.fields["from_"].choices = choices
        self.fields["to"].choices = choices


class ImportForm(forms.Form):
    file = forms.FileField()
    format = forms.ChoiceField(choices=[(f, f) for f in formats.FORMATS])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > formats.max_bytes():
            raise forms.ValidationError(
                f"file is too large: {upload.size:,} bytes, "
                f"the limit is {formats.max_bytes():,} bytes"
            )
        return upload.read()
