from django.urls import include, path

from bench.xtd import views

urlpatterns = [
    path("<int:year>/<str:month>/<slug:slug>/", views.post_detail, name="post"),
    path("comments/", include("django_comments_xtd.urls")),
]
