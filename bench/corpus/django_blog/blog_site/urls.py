"""Blog routes."""

from blog import views
from django.urls import path

urlpatterns = [
    path("posts/", views.posts),
    path("posts/by/<str:author>/", views.by_author),
    path("posts/<int:post_id>/", views.post_page),
    path("login/done/", views.after_login),
]
