"""What every browser test needs: the app served on a free port of 127.0.0.1."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # keep test output to failures
        pass


@pytest.fixture
def serve():
    """``serve(app)`` starts the app in a thread and returns its base URL; it stops with the test.

    Server fixtures seed their data first, then call it; request ``app`` before ``serve`` so the
    server is stopped before the app's database is torn down.
    """
    running = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
