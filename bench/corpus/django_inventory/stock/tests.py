"""The inventory's own tests (python manage.py test)."""

from django.db import connection
from django.test import TestCase


class StockTests(TestCase):
    def setUp(self):
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS stock_item (sku TEXT, qty INTEGER)")
            cursor.execute("DELETE FROM stock_item")
            cursor.executemany("INSERT INTO stock_item VALUES (%s, %s)", [("a1", 3), ("b2", 50)])

    def test_items_below(self):
        got = self.client.get("/items/", {"below": "10"}, secure=True).json()["items"]
        self.assertEqual(got, [{"sku": "a1", "qty": 3}])

    def test_restock(self):
        self.client.post("/items/a1/restock/", {"qty": "4"}, secure=True)
        got = self.client.get("/items/", {"below": "10"}, secure=True).json()["items"]
        self.assertEqual(got, [{"sku": "a1", "qty": 7}])
