"""At most 10 state-changing requests a minute from one address (Django's cache as the counter)."""

from django.core.cache import cache
from django.http import HttpResponse

LIMIT, WINDOW = 10, 60


class PostThrottle:
    """Answer 429 once an address has sent LIMIT non-GET requests within WINDOW seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            key = f"throttle:{request.META.get('REMOTE_ADDR', '')}"
            cache.add(key, 0, WINDOW)
            if cache.incr(key) > LIMIT:
                return HttpResponse("Too Many Requests", status=429)
        return self.get_response(request)
