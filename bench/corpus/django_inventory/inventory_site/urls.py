"""Inventory routes."""

from django.urls import path
from stock import views

urlpatterns = [
    path("items/", views.items),
    path("items/<str:sku>/restock/", views.restock),
    path("api/items/<str:sku>/", views.api_delete),
]
