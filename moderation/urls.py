from django.urls import path

from moderation import email_links, views

app_name = "moderation"

urlpatterns = [
    path("comments/<int:pk>/delete/", views.delete_own, name="delete"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/moderate/", views.moderate_on_page, name="moderate"),
    path("moderation/link/", email_links.confirm, name="link"),
]
