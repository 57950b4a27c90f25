"""Blog views. Deliberately insecure: part of the hardening corpus."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.safestring import mark_safe

from blog.models import Post


def posts(request):
    sort = request.GET.get("sort", "title")
    found = Post.objects.raw(f"SELECT id, title, author FROM blog_post ORDER BY {sort}")
    return JsonResponse({"titles": [p.title for p in found]})


def by_author(request, author):
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM blog_post WHERE author = '%s'" % author)
        titles = [row[0] for row in cursor.fetchall()]
    return JsonResponse({"titles": titles})


def post_page(request, post_id):
    post = Post.objects.get(id=post_id)
    note = request.GET.get("note", "")
    return HttpResponse(mark_safe(f"<h1>{post.title}</h1><p>{note}</p>"))


def after_login(request):
    return redirect(request.GET.get("next", "/posts/"))
