"""The blog's own tests (python manage.py test)."""

from django.test import TestCase

from blog.models import Post


class BlogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        Post.objects.create(title="b-post", author="ann", body="x")
        Post.objects.create(title="a-post", author="bob", body="y")

    def test_posts_sorted(self):
        got = self.client.get("/posts/", {"sort": "title"}, secure=True).json()["titles"]
        self.assertEqual(got, ["a-post", "b-post"])
        got = self.client.get("/posts/", {"sort": "author"}, secure=True).json()["titles"]
        self.assertEqual(got, ["b-post", "a-post"])

    def test_posts_by_author(self):
        got = self.client.get("/posts/by/ann/", secure=True).json()["titles"]
        self.assertEqual(got, ["b-post"])

    def test_post_page(self):
        post = Post.objects.get(title="a-post")
        page = self.client.get(f"/posts/{post.id}/", secure=True)
        self.assertContains(page, "<h1>a-post</h1>")
