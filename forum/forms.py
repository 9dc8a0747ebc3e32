from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from forum import markup, submissions
from forum.models import Comment


class CommentForm(forms.Form):
    """A new comment or a reply; the post it belongs to is given by the URL, not the form."""

    author_name = forms.CharField(
        label=_("Name (optional)"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        help_text=_("Leave empty to comment as Anonymous."),
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=settings.FORUM_MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text; <b>, <i> and links are allowed. Be kind."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A trap for robots: hidden from people by the stylesheet and from screen readers.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    # This rendered form's one-use token (forum.submissions): a retry of it finds what it stored.
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    error_messages = {
        "bad_parent": _("The comment you are replying to is not on this post any more."),
        "blank": _("Please write something before posting."),
        "unreadable": _(
            "Some characters could not be read (the text did not arrive as UTF-8). "
            "Please check them and post again."
        ),
    }

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.parent_comment: Comment | None = None

    @property
    def token(self) -> str:
        """The token the form is rendered with: the one it was sent with, or a new one."""
        sent = self.data.get(submissions.FIELD, "") if self.is_bound else ""
        if submissions.well_formed(sent):
            return sent
        return self.initial.setdefault(submissions.FIELD, submissions.new_token())

    def clean_form_token(self) -> str:
        # A missing or malformed token (an old page, a hand-made form) posts as before.
        token = self.cleaned_data["form_token"]
        return token if submissions.well_formed(token) else ""

    def clean_author_name(self):
        # One line: a newline or a control character in a name would break the feeds and
        # forge lines in the moderators' digest.
        return markup.one_line(self._readable(self.cleaned_data["author_name"]))

    def clean_body(self):
        body = self._readable(self.cleaned_data["body"])
        if markup.is_blank(body):
            raise forms.ValidationError(self.error_messages["blank"], code="blank")
        return markup.normalise(body)

    def _readable(self, text: str) -> str:
        # Django decodes bytes that are not UTF-8 as U+FFFD, the replacement character: stored,
        # it would silently garble the commenter's text, so they are asked to send it again.
        if "\ufffd" in text:
            raise forms.ValidationError(self.error_messages["unreadable"], code="unreadable")
        return text

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        # Replies go only to published comments of this post, so that a held or rejected
        # comment stays a leaf and moderating it never orphans anything. Its parent is read
        # too: django-mptt asks whether the comment is a root before it numbers a reply.
        parent = (
            Comment.objects.published()
            .filter(post=self.post, pk=parent_id)
            .only("pk", "tree_id", "post_id", "status", "parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(self.error_messages["bad_parent"], code="bad_parent")
        self.parent_comment = parent
        return parent_id
