from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from blogarchive.models import Label
from forum import ownership, selectors
from forum.models import Comment


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


def label(request, slug: str):
    """Every post filed under one label, newest first (Blogger's /search/label/ page)."""
    label = get_object_or_404(Label, slug=slug)
    posts = list(selectors.posts_with_counts().filter(labels=label))
    return render(
        request,
        "forum/label.html",
        {"label": label, "posts": posts, "months": selectors.archive_months()},
    )


def your_comments(request):
    """What became of the comments this browser posted: no account, no e-mail needed."""
    ids = ownership.own_ids(request)
    comments = (
        Comment.objects.filter(pk__in=ids)
        .select_related("post")
        .defer("body", "commenter", "import_key")
        .order_by("-created", "-id")
    )
    return render(request, "forum/your_comments.html", {"comments": comments})
