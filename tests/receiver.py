"""A real HTTP receiver on 127.0.0.1 for webhook tests: records each POST and answers as scripted."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next status of ``statuses`` (the last one repeats)."""

    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


def start_receiver(statuses: list[int] | None = None) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(statuses=list(statuses or [200]))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.answer()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/kundregister/events"
    return receiver, server
