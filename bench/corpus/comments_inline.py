"""Guest book with inline templates."""

from flask import Flask, make_response, redirect, render_template_string, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "guestbook"
ENTRIES = []

FORM = """
<form method="POST" action="/sign">
  <input name="name"> <textarea name="text"></textarea>
  <button>Sign</button>
</form>
{% for e in entries %}<p><b>{{ e.name }}</b>: {{ e.text }}</p>{% endfor %}
"""


@app.get("/")
def index():
    return render_template_string(FORM, entries=ENTRIES)


@app.post("/sign")
def sign():
    ENTRIES.append({"name": request.form["name"], "text": request.form["text"]})
    response = make_response(redirect("/"))
    response.set_cookie("signed", "yes")
    return response


if __name__ == "__main__":
    app.run(debug=True)
