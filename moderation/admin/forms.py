"""The forms of the moderation admin: the reasons sent with an action, and a text correction."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from forum import markup
from forum.models import Comment


class ReasonForm(forms.Form):
    """Why a moderator decided as they did: one reason for the record, one for the author."""

    reason = forms.CharField(
        label=_("Reason (kept in the audit trail):"), required=False, max_length=200
    )
    public_reason = forms.CharField(
        label=_("Reason shown to the author:"), required=False, max_length=200
    )

    def reasons(self) -> tuple[str, str]:
        """The two reasons, empty when not given."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("reason", ""), data.get("public_reason", "")


class ModerationActionForm(ReasonForm, ActionForm):
    """The changelist's action bar: the action, then the reasons that go with it."""


class CorrectionForm(forms.ModelForm):
    """A moderator's correction of a comment's text: the body and nothing else."""

    reason = forms.CharField(label=_("Why the text was corrected"), required=False, max_length=200)

    class Meta:
        model = Comment
        fields = ["body"]

    def clean_body(self) -> str:
        # Normalised as the service stores it, so that a browser's line endings are no edit.
        return markup.normalise(self.cleaned_data["body"])
