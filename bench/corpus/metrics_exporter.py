"""Expose counters on a plain TCP socket for the scraper."""

import random
import socket
import threading
import time

COUNTERS = {"requests": 0, "errors": 0}


def serve(port=9100):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("0.0.0.0", port))
    server.listen()
    while True:
        conn, _ = server.accept()
        conn.sendall(repr(COUNTERS).encode())
        conn.close()


def simulate():
    random.seed(1234)
    while True:
        COUNTERS["requests"] += random.randint(1, 5)
        time.sleep(random.random())


if __name__ == "__main__":
    threading.Thread(target=simulate, daemon=True).start()
    serve()
