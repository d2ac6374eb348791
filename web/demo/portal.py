"""A stand-in training portal on its own origin, embedding the coach's widget.

Run it beside the bot to see the embed as a portal would (`make demo-portal`); the browser tests
serve it the same way on a second port. The coach must list this portal's origin in
COACH_ALLOWED_ORIGINS, e.g. http://127.0.0.1:8080.
"""

from __future__ import annotations

import argparse
import html
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

PAGE = Path(__file__).resolve().parent / "portal.html"


class PortalHandler(BaseHTTPRequestHandler):
    """Serves the portal page at / with the coach's address filled in; nothing else."""

    def __init__(self, *args, coach: str, **kwargs):
        self.coach = coach
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path, _, query = self.path.partition("?")
        if path not in ("/", "/portal.html"):
            self.send_error(404)
            return
        # A real portal passes its signed-in user's id; the demo takes one from ?learner=...
        learner = (parse_qs(query).get("learner") or [""])[0]
        body = (PAGE.read_text().replace("__COACH_SERVER__", html.escape(self.coach.rstrip("/")))
                .replace("__LEARNER__", html.escape(learner))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: tests and demos read the page, not the access log


def serve(port: int, coach: str, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start the portal in a background thread; call .shutdown() to stop it."""
    server = ThreadingHTTPServer((host, port), partial(PortalHandler, coach=coach))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8080, help="port of the portal (default 8080)")
    parser.add_argument("--coach", default="http://127.0.0.1:5005", help="the coach's address as the browser sees it")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), partial(PortalHandler, coach=args.coach))
    print(f"Demo portal on http://127.0.0.1:{args.port}/ embedding {args.coach}\n"
          f"The coach needs COACH_ALLOWED_ORIGINS=http://127.0.0.1:{args.port}. Stop with Ctrl+C.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
