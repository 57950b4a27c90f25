"""The example's own tests (python manage.py test): the shop must keep working after hardening."""

from decimal import Decimal

from django.test import TestCase

from shop.models import Product


class ShopTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        Product.objects.create(name="teapot", price=Decimal("20.00"))
        Product.objects.create(name="cup", price=Decimal("5.00"))

    def get(self, url, **params):
        return self.client.get(url, params, secure=True)

    def test_products_are_listed_by_name_or_price(self):
        self.assertEqual(self.get("/products/").json()["products"], ["cup", "teapot"])
        self.assertEqual(self.get("/products/", order="price").json()["products"], ["cup", "teapot"])
        self.assertEqual(self.get("/products/", order="name").json()["products"], ["cup", "teapot"])

    def test_search_finds_by_part_of_the_name(self):
        self.assertEqual(self.get("/search/", q="pot").json()["results"], ["teapot"])
        self.assertEqual(self.get("/search/", q="zzz").json()["results"], [])

    def test_cart_keeps_added_products(self):
        teapot = Product.objects.get(name="teapot")
        response = self.client.post(f"/cart/add/{teapot.id}/", secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.get("/cart/").json()["cart"], [teapot.id])
