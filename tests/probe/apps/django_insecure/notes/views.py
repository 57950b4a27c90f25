"""Views of the notes twin: notes kept in the session."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt


def index(request):
    """The form."""
    return HttpResponse(
        '<form method="post" action="/notes/add/"><input name="text"><button>Add</button></form>'
    )


@csrf_exempt
def add_note(request):
    """Add a note to the session."""
    notes = request.session.get("notes", [])
    notes.append(request.POST.get("text", ""))
    request.session["notes"] = notes
    return JsonResponse({"notes": notes})
