"""URL routes of the shop example."""

from django.urls import path
from shop import views

urlpatterns = [
    path("products/", views.product_list),
    path("search/", views.search),
    path("cart/add/<int:product_id>/", views.add_to_cart),
    path("cart/", views.cart),
]
