"""Inventory views over a plain SQL table. Deliberately insecure: part of the hardening corpus."""

import hashlib
import os

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

API_TOKEN = os.environ.get("INVENTORY_API_TOKEN", "")


def items(request):
    below = request.GET.get("below", "1000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sku, qty FROM stock_item WHERE qty < " + below + " ORDER BY sku")
        rows = cursor.fetchall()
    return JsonResponse({"items": [{"sku": s, "qty": q} for s, q in rows]})


@csrf_exempt
def restock(request, sku):
    qty = request.POST.get("qty", "0")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE stock_item SET qty = qty + {qty} WHERE sku = '{sku}'")
    return JsonResponse({"etag": hashlib.md5(sku.encode()).hexdigest()})


@csrf_exempt
def api_delete(request, sku):
    if request.headers.get("Authorization") != f"Bearer {API_TOKEN}":
        return JsonResponse({"error": "unauthorised"}, status=401)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM stock_item WHERE sku = %s", [sku])
    return JsonResponse({"deleted": sku})
