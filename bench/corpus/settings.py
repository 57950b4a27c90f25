"""Settings for the booking service (imported by app.config.from_pyfile)."""

import os

DEBUG = True
SECRET_KEY = "booking-service-secret-key"
WTF_CSRF_ENABLED = False
HOST = "0.0.0.0"
PORT = int(os.environ.get("PORT", "5000"))
SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///booking.db")
