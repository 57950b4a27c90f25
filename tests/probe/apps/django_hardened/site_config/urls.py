"""Routes of the notes twin."""

from django.urls import path
from notes import views

urlpatterns = [
    path("", views.index),
    path("notes/add/", views.add_note),
]
