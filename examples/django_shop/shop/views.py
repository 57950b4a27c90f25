"""Shop views. Insecure on purpose: the input of `devsecbots harden`."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from shop.models import Product


def product_list(request):
    order = request.GET.get("order", "name")
    products = Product.objects.raw("SELECT id, name, price FROM shop_product ORDER BY " + order)
    return JsonResponse({"products": [p.name for p in products]})


def search(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM shop_product WHERE name LIKE '%" + term + "%'")
        names = [row[0] for row in cursor.fetchall()]
    return JsonResponse({"results": names})


@csrf_exempt
def add_to_cart(request, product_id):
    if request.method != "POST":
        return JsonResponse({"error": "POST only"}, status=405)
    cart = request.session.get("cart", [])
    cart.append(product_id)
    request.session["cart"] = cart
    return JsonResponse({"cart": cart})


def cart(request):
    return JsonResponse({"cart": request.session.get("cart", [])})
