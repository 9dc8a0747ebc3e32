from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blogarchive.models import Post
from forum import ownership, selectors, services
from forum.forms import CommentForm
from forum.identity import commenter_id
from forum.models import Comment
from moderation.screening import Refused


def home(request):
    """The newest posts first, a page at a time, each with its number of comments."""
    paginator = Paginator(selectors.posts_with_counts(), settings.FORUM_POSTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "forum/home.html",
        {"page": page, "posts": page.object_list, "months": selectors.archive_months()},
    )


def archive_year(request, year: int):
    """Every post of one year, by month."""
    posts = list(selectors.posts_with_counts().filter(published__year=year))
    if not posts:
        raise Http404(_("No posts in %(year)s.") % {"year": year})
    return render(
        request,
        "forum/archive.html",
        {
            "posts": posts,
            "heading": str(year),
            "year": year,
            "months": selectors.archive_months(),
        },
    )


def archive_month(request, year: int, month: int):
    """Every post of one month."""
    try:
        first_day = date(year, month, 1)
    except ValueError:
        raise Http404(_("There is no such month.")) from None
    posts = list(selectors.posts_with_counts().in_month(year, month))
    if not posts:
        raise Http404(_("No posts in that month."))
    return render(
        request,
        "forum/archive.html",
        {
            "posts": posts,
            "heading": first_day,
            "year": year,
            "month": month,
            "months": selectors.archive_months(),
        },
    )


def _get_post(year: int, month: int, slug: str) -> Post:
    post = Post.objects.in_month(year, month).filter(slug=slug).first()
    if post is None:
        raise Http404(_("No post at this address."))
    return post


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request, year: int, month: int, slug: str):
    """A post, its whole thread, and the forms to join in; a POST adds a comment or reply."""
    post = _get_post(year, month, slug)
    form = None
    if request.method == "POST":
        form = CommentForm(request.POST, post=post)
        if form.is_valid():
            response = _submit(request, post, form)
            if response is not None:
                return response
    return _render_post(request, post, form, status=400 if form is not None else 200)


def _submit(request, post: Post, form: CommentForm):
    """Store a valid form's comment and redirect to it; None (form errors set) if refused."""
    data = form.cleaned_data
    try:
        comment = services.submit_comment(
            post=post,
            parent=form.parent_comment,
            author_name=data["author_name"],
            body=data["body"],
            commenter=commenter_id(request),
            honeypot=data["website"],
        )
    except Refused as refusal:
        if refusal.status_code == 429:
            response = render(
                request, "forum/slow_down.html", {"post": post, "message": refusal.message}
            )
            response.status_code = 429
            return response
        form.add_error(refusal.field, refusal.message)
        return None
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Thank you: your comment is published."))
    elif comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            _(
                "Thank you: your comment is held for moderation. You can see it here, marked "
                "as pending, until a moderator has read it."
            ),
        )
    else:
        # Spam gets the same thanks: telling a robot it was caught only teaches it.
        messages.info(request, _("Thank you: your comment is held for moderation."))
    response = HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
    ownership.remember(request, response, comment.pk)
    return response


def _render_post(request, post: Post, form: CommentForm | None, *, status: int):
    own = ownership.own_ids(request)
    thread = selectors.visible_thread(post, own_ids=own)
    published = {c.pk for c in thread if c.status == Comment.Status.APPROVED}
    reply_to = _reply_target(request, form)
    if reply_to not in published:
        reply_to = None
    new_form, reply_form = CommentForm(post=post), None
    if reply_to is not None:
        reply_form = form or CommentForm(post=post, initial={"parent": reply_to})
    elif form is not None:
        new_form = form
    context = {
        "post": post,
        "thread": thread,
        "own_ids": set(own),
        "comment_count": len(published),
        "form": new_form,
        "reply_to": reply_to,
        "reply_form": reply_form,
    }
    return render(request, "forum/post_detail.html", context, status=status)


def _reply_target(request, form: CommentForm | None) -> int | None:
    """The comment whose reply form is open: from a failed reply, or ?reply= on a link."""
    raw = form.data.get("parent") if form is not None else request.GET.get("reply")
    try:
        return int(raw) if raw else None
    except (TypeError, ValueError):
        return None
