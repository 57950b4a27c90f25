"""Views of the notes twin: notes kept in the session, the form protected by a CSRF token."""

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.utils.html import escape


def index(request):
    """The form, with its CSRF token."""
    token = escape(get_token(request))
    return HttpResponse(
        '<form method="post" action="/notes/add/">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input name="text"><button>Add</button></form>'
    )


def add_note(request):
    """Add a note to the session."""
    notes = request.session.get("notes", [])
    notes.append(request.POST.get("text", ""))
    request.session["notes"] = notes
    return JsonResponse({"notes": notes})
