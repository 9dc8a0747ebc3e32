"""The post page: a post, its thread, and posting a comment or a reply (post/redirect/get)."""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blogarchive.models import Post
from forum import browsers, ownership, pages, selectors, services, submissions, threads
from forum.forms import CommentForm
from forum.identity import commenter_id
from forum.models import Comment
from forum.refusals import Refused
from forum.rendering import Notice, Viewer
from moderation import screening


def _get_post(year: int, month: int, slug: str) -> Post:
    post = Post.objects.in_month(year, month).filter(slug=slug).with_labels().first()
    if post is None:
        raise Http404(_("No post at this address."))
    return post


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request, year: int, month: int, slug: str):
    """The post page's one address: read it (GET, HEAD), or post a comment to it (POST)."""
    view = post_comment if request.method == "POST" else show_post
    return view(request, year, month, slug)


def show_post(request, year: int, month: int, slug: str):
    """A post, its whole thread, and the forms to join in (a kept copy is served before this,
    by forum.middleware.KeptPageMiddleware)."""
    # Read before the page's data, so that a change made meanwhile leaves this copy stale.
    built_under = pages.generations(pages.place(year, month, slug))
    post = _get_post(year, month, slug)
    rules = screening.rules_for(post)
    if pages.shareable(request):
        # One process of all renders each version of the shared page; the others wait for it.
        render = partial(_render_post, request, post, rules, built_under)
        return pages.keep_once(request, built_under, rules.until, render)
    return _render_post(request, post, rules, built_under)


def post_comment(request, year: int, month: int, slug: str):
    """Store a comment or a reply and go to it; or the page again, with the form's errors."""
    post = _get_post(year, month, slug)
    form = CommentForm(request.POST, post=post)
    if form.is_valid():
        response = _submit(request, post, form)
        if response is not None:
            return response
    rules = screening.rules_for(post)
    return _render_post(request, post, rules, None, form=form, status=400)


def comment_permalink(request, pk: int):
    """A comment's lasting address: the page of its thread that shows it, at its anchor."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    viewer = _viewer(request, comment.post, screening.rules_for(comment.post))
    number = threads.page_of(comment.post, comment.pk, viewer)
    if number is None:
        raise Http404(_("That comment is not public."))
    query = f"?page={number}" if number > 1 else ""
    return HttpResponseRedirect(f"{comment.post.get_absolute_url()}{query}#c{comment.pk}")


# Refusals that are not about the form itself get a page of their own.
_REFUSAL_PAGES = {429: "forum/slow_down.html", 503: "forum/posting_paused.html"}


def _submit(request, post: Post, form: CommentForm):
    """Store a valid form's comment and redirect to it; None (form errors set) if refused.

    A retried form gets the same answer as its first attempt: the redirect and the cookie.
    """
    data = form.cleaned_data
    submission = submissions.key(
        request,
        data["form_token"],
        post_id=post.pk,
        parent_id=data["parent"],
        author_name=data["author_name"],
        body=data["body"],
    )
    try:
        comment = services.submit_comment(
            post=post,
            parent=form.parent_comment,
            author_name=data["author_name"],
            body=data["body"],
            commenter=commenter_id(request),
            browser=browsers.browser_id(request),
            honeypot=data["website"],
            submission=submission,
        )
    except Refused as refusal:
        if refusal.status_code in _REFUSAL_PAGES:
            return _refused(request, post, form, refusal)
        form.add_error(refusal.field, refusal.message)
        return None
    _thank(request, comment)
    response = HttpResponseRedirect(reverse("forum:comment", args=[comment.pk]))
    ownership.remember(request, response, comment.pk)
    browsers.remember(request, response)
    return response


def _thank(request, comment: Comment) -> None:
    # Shown next to the comment, where the page lands (see _notices).
    about = near_comment(comment.pk)
    if comment.status == Comment.Status.PUBLISHED:
        messages.success(request, _("Thank you: your comment is published."), extra_tags=about)
    else:
        # Spam gets the same thanks as a held comment: telling a robot it was caught only
        # teaches it.
        messages.info(
            request,
            _(
                "Thank you: your comment is held for moderation. You can see it here, marked "
                "as pending, until a moderator has read it."
            ),
            extra_tags=about,
        )


def _refused(request, post: Post, form: CommentForm, refusal: Refused):
    """Too fast, or posting paused: say when to try again, and keep what was typed."""
    context = {
        "post": post,
        "message": refusal.message,
        "form": form,
        "retry_after": refusal.retry_after,
        "reply_to": form.cleaned_data.get("parent"),
    }
    template = _REFUSAL_PAGES[refusal.status_code]
    response = render(request, template, context, status=refusal.status_code)
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def near_comment(comment_id: int) -> str:
    """The tag of a message about one comment, shown beside it rather than atop the page."""
    return f"comment-{comment_id}"


def _notices(request) -> tuple[tuple[Notice, ...], list[Notice]]:
    """The reader's waiting messages: those about one comment, and the rest."""
    about, rest = [], []
    for message in messages.get_messages(request):
        tag = next((t for t in message.extra_tags.split() if t.startswith("comment-")), "")
        if tag[len("comment-") :].isdigit():
            about.append(Notice(int(tag[len("comment-") :]), str(message), message.level_tag))
        else:
            rest.append(Notice(None, str(message), message.level_tag))
    return tuple(about), rest


def _viewer(request, post: Post, rules, notices: tuple[Notice, ...] = ()) -> Viewer:
    own = ownership.own_ids(request)
    if own:
        # Only the reader's comments on this post make the page theirs alone.
        own = list(post.comments.filter(pk__in=own).values_list("pk", flat=True))
    moderator = request.user.is_authenticated and request.user.has_perm("moderation.moderate")
    return Viewer(
        own_ids=frozenset(own),
        moderator=moderator,
        csrf_token=get_token(request) if own or moderator else "",
        comments_open=rules.accepts_comments,
        notices=notices,
    )


def _render_post(request, post: Post, rules, built_under, *, form=None, status: int = 200):
    """The post page; `form` is a comment or reply form that failed, shown with its errors."""
    notices, page_messages = _notices(request)
    viewer = _viewer(request, post, rules, notices)
    reply_to, number = _reply_and_page(request, post, viewer, form)
    try:
        keep = not pages.shareable(request)
        page = pages.thread_page(post, number, viewer, built_under, keep=keep)
    except threads.PageOutOfRange as missing:
        context = {"post": post, "asked": number, "num_pages": missing.num_pages}
        return render(request, "forum/no_such_page.html", context, status=404)
    # A message about a comment this page does not show goes to the top after all.
    page_messages += [n for n in notices if n.comment_id not in page.comment_ids]
    reply_to = reply_to if reply_to in page.comment_ids else None
    thread_before, thread_after = page.cut_inside(reply_to)
    older, newer = selectors.neighbours(post)
    context = {
        "post": post,
        "page": page,
        "thread_before": thread_before,
        "thread_after": thread_after,
        "labels": post.listed_labels(),
        "comments_open": viewer.comments_open,
        "moderated": rules.holds_every_comment,
        "reply_to": reply_to,
        "older": older,
        "newer": newer,
        "page_messages": page_messages,
    }
    context["form"], context["reply_form"] = _forms(post, form, reply_to)
    return render(request, "forum/post_detail.html", context, status=status)


def _forms(post: Post, failed: CommentForm | None, reply_to: int | None):
    """The form at the foot of the page, and the reply form (or None): new, or the failed one."""
    if reply_to is None:
        return failed or CommentForm(post=post), None
    return CommentForm(post=post), failed or CommentForm(post=post, initial={"parent": reply_to})


def _reply_and_page(request, post: Post, viewer: Viewer, form) -> tuple[int | None, int]:
    """The comment whose reply form is open (or None), and the page of the thread to show."""
    reply_to = _reply_target(request, form, post)
    number = _page_number(request)
    if reply_to is not None:
        number = threads.page_of(post, reply_to, viewer) or number
    return reply_to, number


def _page_number(request) -> int:
    """The page of the thread asked for; 1 for no ?page= or one that is not a plain number
    (pages.shareable() refuses those, so such a page is shown but never kept)."""
    return pages.page_number(request.GET) or 1


def _reply_target(request, form: CommentForm | None, post: Post) -> int | None:
    """The published comment whose reply form is open: from a failed reply, or ?reply=."""
    raw = form.data.get("parent") if form is not None else request.GET.get("reply")
    try:
        target = int(raw) if raw else None
    except (TypeError, ValueError):
        return None
    if target is None or not post.comments.published().filter(pk=target).exists():
        return None
    return target
