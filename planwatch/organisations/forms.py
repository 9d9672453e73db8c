from django import forms
from django.utils.translation import gettext_lazy as _

from planwatch.organisations.models import Agency, AgencyGroup


class MapAgencyForm(forms.Form):
    """Map a provisional agency to a register agency or group (exactly one)."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(provisional=False), required=False, label=_("Agency")
    )
    group = forms.ModelChoiceField(
        queryset=AgencyGroup.objects.all(), required=False, label=_("Group")
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if bool(data.get("agency")) == bool(data.get("group")):
            raise forms.ValidationError(_("Choose either an agency or a group, not both."))
        return data
