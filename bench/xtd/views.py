from django.shortcuts import get_object_or_404, render

from bench.xtd.models import Post


def post_detail(request, year: int, month: str, slug: str):
    """A post and its thread, rendered by django-comments-xtd's template tags."""
    post = get_object_or_404(Post, published__year=year, published__month=int(month), slug=slug)
    return render(request, "xtdblog/post_detail.html", {"post": post})
