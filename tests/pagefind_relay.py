"""One warm ``pagefind --service`` shared by the test builds of a test process.

Pagefind loads its Japanese dictionary the first time it segments Japanese text: about a second
of processor time in every ``mkdocs build``, most of a small test build. The test builds run
``mkdocs build`` in processes of their own, so they cannot share a ``PagefindService`` object;
instead ``PAGEFIND_BINARY_PATH`` (read by the ``pagefind`` package) names a small client script
that connects to this relay, which passes each build's requests to one real Pagefind service and
its answers back. Pagefind answers each request on its own and keeps every index apart (a build
makes its own and deletes it), so the files a build gets are those it would get from a Pagefind
of its own. In-process indexing in the tests goes through it too (the ``relayed_pagefind`` fixture);
the tests of the service itself (test_pagefind_service.py) start real ones.

Requests and answers are base64-encoded JSON, each followed by a comma. The relay gives every
request a message id unique across builds and puts the build's own id back on the answer.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from essay_archive.site import pagefind_service

#: The client a build starts as its Pagefind: stdin to the relay, the relay's answers to stdout.
_CLIENT = """#!{python}
import socket, sys, threading
connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
connection.connect({socket_path!r})
def send():
    while chunk := sys.stdin.buffer.read1(1 << 20):
        connection.sendall(chunk)
    connection.shutdown(socket.SHUT_WR)
threading.Thread(target=send, daemon=True).start()
while chunk := connection.recv(1 << 20):
    sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.flush()
"""


class _Client:
    """One build's connection: its requests in flight, by the relay's message id."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.lock = threading.Lock()
        self.in_flight: dict[int, int] = {}
        self.input_done = False

    def answer(self, relay_id: int, message: bytes) -> None:
        """Send one answer; the last one after the build's input ended also ends the connection."""
        with self.lock:
            self.in_flight.pop(relay_id, None)
            try:
                self.connection.sendall(message + b",")
            except OSError:
                pass  # the build has gone; its answers have nowhere to go
            self._close_if_done()

    def input_ended(self) -> None:
        with self.lock:
            self.input_done = True
            self._close_if_done()

    def end(self) -> None:
        """End the connection now: the build's client exits, like a Pagefind that stopped."""
        with self.lock:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.connection.close()

    def _close_if_done(self) -> None:
        # Pagefind exits when its input closes, once it has answered: so does the build's client.
        if self.input_done and not self.in_flight:
            self.connection.close()


class PagefindRelay:
    """A real Pagefind service, and a socket the test builds reach it through."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="pagefind-relay-"))
        self.socket_path = str(self._folder / "socket")
        self.client = self._folder / "pagefind"
        self.client.write_text(_CLIENT.format(python=sys.executable, socket_path=self.socket_path), encoding="utf-8")
        self.client.chmod(0o755)
        self._process = subprocess.Popen(
            [str(pagefind_service.executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        #: The relay's message id -> (the build's connection, the build's own message id).
        self._routes: dict[int, tuple[_Client, int]] = {}
        #: Every build connected now; all are ended if Pagefind stops.
        self._clients: set[_Client] = set()
        self._stopped = False
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.socket_path)
        self._listener.listen()
        threading.Thread(target=self._accept, name="pagefind-relay-accept", daemon=True).start()
        threading.Thread(target=self._read_answers, name="pagefind-relay-answers", daemon=True).start()

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()  # Pagefind exits when its input closes
            except OSError:
                pass  # it had stopped already
        self._process.wait(30)
        for path in self._folder.iterdir():
            path.unlink()
        self._folder.rmdir()

    # --- builds to Pagefind ----------------------------------------------------------------------

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            client = _Client(connection)
            with self._lock:
                self._clients.add(client)
                stopped = self._stopped
            if stopped:
                client.end()
            threading.Thread(target=self._read_requests, args=(client,), daemon=True).start()

    def _read_requests(self, client: _Client) -> None:
        pending = bytearray()
        while True:
            try:
                chunk = client.connection.recv(1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            pending += chunk
            while (end := pending.find(b",")) >= 0:
                self._forward(client, bytes(pending[:end]))
                del pending[:end + 1]
        client.input_ended()
        with self._lock:
            self._clients.discard(client)

    def _forward(self, client: _Client, encoded: bytes) -> None:
        request = json.loads(base64.b64decode(encoded))
        with self._lock:
            relay_id = next(self._ids)
            self._routes[relay_id] = (client, request["message_id"])
            with client.lock:
                client.in_flight[relay_id] = request["message_id"]
            request["message_id"] = relay_id
            assert self._process.stdin is not None
            try:
                self._process.stdin.write(base64.b64encode(json.dumps(request).encode("utf-8")) + b",")
                self._process.stdin.flush()
            except OSError:
                self._stopped = True
        if self._stopped:
            client.end()

    # --- Pagefind to builds ----------------------------------------------------------------------

    def _read_answers(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        pending = bytearray()
        while chunk := stdout.read1(1 << 20):
            pending += chunk
            while (end := pending.find(b",")) >= 0:
                self._route(bytes(pending[:end]))
                del pending[:end + 1]
        # Pagefind has exited: end every build's connection, so that its client exits too and the
        # build fails its waiting requests, as it would had its own Pagefind stopped.
        with self._lock:
            self._stopped = True
            clients = set(self._clients)
            self._routes.clear()
        for client in clients:
            client.end()

    def _route(self, encoded: bytes) -> None:
        answer = json.loads(base64.b64decode(encoded))
        payload = answer.get("payload") or {}
        relay_id = answer.get("message_id")
        original = None
        if relay_id is None and payload.get("original_message"):
            # Pagefind could not read a request and sends it back instead of its id.
            original = json.loads(payload["original_message"])
            relay_id = original.get("message_id")
        with self._lock:
            route = self._routes.pop(relay_id, None) if relay_id is not None else None
        if route is None:
            return
        client, own_id = route
        if original is not None:
            original["message_id"] = own_id
            payload["original_message"] = json.dumps(original)
        else:
            answer["message_id"] = own_id
        client.answer(relay_id, base64.b64encode(json.dumps(answer).encode("utf-8")))


_relay: PagefindRelay | None = None
_relay_lock = threading.Lock()


def binary() -> str:
    """The client script builds run as their Pagefind, with this process's relay started."""
    global _relay
    with _relay_lock:
        if _relay is None or _relay._process.poll() is not None:
            _relay = PagefindRelay()
        return str(_relay.client)


def close() -> None:
    global _relay
    with _relay_lock:
        if _relay is not None:
            _relay.close()
            _relay = None


if __name__ == "__main__":  # pragma: no cover - a manual check: `python -m tests.pagefind_relay`
    print(binary(), os.getpid())
