"""A small client for Pagefind's indexing service (``pagefind --service``), used by the build.

Pagefind's own Python wrapper (``pagefind.index.PagefindIndex``) talks to the same service but
does not suit a build that hands Pagefind one page at a time while MkDocs renders the next:

- its response loop sleeps 0.1 s before reading each answer, so a thousand pages added one by
  one would take at least a hundred seconds;
- it writes the index with ``WriteFiles`` and then terminates the service. Pagefind answers
  ``WriteFiles`` as soon as its writes are *queued* (tokio's ``File::write_all`` hands the bytes
  to a thread pool, and Pagefind never flushes), so the ``SIGTERM`` that follows can cut a file
  short: that is how a build shipped a ``wasm.unknown.pagefind`` of 65,536 of its 68,024 bytes.

Here the index is taken with ``GetFiles`` instead (Pagefind sends every file's bytes over the
pipe) and the build writes and checks the files itself (``search_index``); the service is ended
by closing its input, never mid-write. The protocol is the one both of Pagefind's wrappers use:
base64-encoded JSON messages, each followed by a comma, on the service's stdin and stdout.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any


class PagefindServiceError(RuntimeError):
    """The Pagefind service could not start, answered with an error, or stopped."""


def executable() -> Path:
    """The Pagefind binary the ``pagefind`` package would run (the extended one when installed)."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise PagefindServiceError("the Pagefind binary was not found; install pagefind[extended]")
    return binary


def installed_version() -> str:
    """The version of the installed Pagefind binary's package, as its index files record it."""
    from importlib.metadata import PackageNotFoundError, version

    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return version(package)
        except PackageNotFoundError:
            continue
    return version("pagefind")


class PagefindService:
    """One ``pagefind --service`` process; every request returns a ``Future`` of its answer.

    Requests may be sent from any thread; Pagefind handles them one after another, in the order
    they were sent, so a ``get_files`` sent after a run of ``add_html`` sees all of those pages.
    """

    def __init__(self, binary: Path | None = None, *, niceness: int = 0) -> None:
        """Start the service; ``niceness`` above 0 lets other programs go first (see ``os.setpriority``)."""
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                [str(binary or executable()), "--service"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            )
        except OSError as error:
            self._stderr.close()
            raise PagefindServiceError(f"could not start Pagefind: {error}") from error
        if niceness > 0:
            try:
                os.setpriority(os.PRIO_PROCESS, self._process.pid, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
            except OSError:
                pass  # only a courtesy to the build running beside it
        self._lock = threading.Lock()
        self._next_id = 0
        self._waiting: dict[int, Future[dict[str, Any]]] = {}
        self._closed = False
        #: Set when Pagefind has exited: later requests fail at once instead of waiting forever.
        self._stopped: PagefindServiceError | None = None
        # Requests go through a queue to a writer thread: a busy Pagefind may leave its input pipe
        # full for a moment, and MkDocs, which hands over pages, must not wait for it.
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_requests, name="pagefind-requests", daemon=True)
        self._reader = threading.Thread(target=self._read_answers, name="pagefind-answers", daemon=True)
        self._writer.start()
        self._reader.start()

    # --- requests ------------------------------------------------------------------------------

    def new_index(self, config: Mapping[str, object] | None = None) -> int:
        """Create an in-memory index in the service; returns its id."""
        return self.request_index(config).result()

    def request_index(self, config: Mapping[str, object] | None = None) -> Future[int]:
        """Ask for a new in-memory index; its id comes once the service has answered every request before."""
        index_id: Future[int] = Future()

        def settle(done: Future[dict[str, Any]]) -> None:
            error = done.exception()
            if error is not None:
                index_id.set_exception(error)
            else:
                index_id.set_result(int(done.result()["index_id"]))

        self._send({"type": "NewIndex", "config": dict(config) if config else None}).add_done_callback(settle)
        return index_id

    def add_html(self, index_id: int, content: str, url: str) -> Future[dict[str, Any]]:
        """Index one page's HTML under ``url`` (``/essays/586/``); answers ``IndexedFile``."""
        return self._send({"type": "AddFile", "index_id": index_id, "url": url,
                           "file_path": None, "file_contents": content})

    def add_record(self, index_id: int, url: str, content: str, language: str,
                   meta: Mapping[str, str] | None = None) -> Future[dict[str, Any]]:
        """Index a plain-text record (no HTML) under ``url``."""
        return self._send({"type": "AddRecord", "index_id": index_id, "url": url, "content": content,
                           "language": language, "meta": dict(meta) if meta else None,
                           "filters": None, "sort": None})

    def get_files(self, index_id: int) -> Future[dict[str, bytes]]:
        """Build the index and return every file of it, by path relative to its folder."""
        answer = self._send({"type": "GetFiles", "index_id": index_id})
        files: Future[dict[str, bytes]] = Future()

        def decode(done: Future[dict[str, Any]]) -> None:
            error = done.exception()
            if error is not None:
                files.set_exception(error)
                return
            files.set_result({item["path"]: base64.b64decode(item["content"]) for item in done.result()["files"]})

        answer.add_done_callback(decode)
        return files

    def delete_index(self, index_id: int) -> Future[dict[str, Any]]:
        """Drop an index from the service's memory."""
        return self._send({"type": "DeleteIndex", "index_id": index_id})

    def close(self, timeout: float = 30) -> None:
        """End the service: Pagefind exits when its input closes. Unanswered requests fail."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._outbox.put(None)
        self._writer.join(timeout)
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    @property
    def pid(self) -> int:
        """The service's process id."""
        return self._process.pid

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the pipe ------------------------------------------------------------------------------

    def _send(self, payload: dict[str, object]) -> Future[dict[str, Any]]:
        answer: Future[dict[str, Any]] = Future()
        with self._lock:
            if self._closed:
                raise PagefindServiceError("the Pagefind service is closed")
            if self._stopped is not None:
                raise self._stopped
            self._next_id += 1
            message_id = self._next_id
            self._waiting[message_id] = answer
            message = base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8"))
            self._outbox.put(message + b",")
        return answer

    def _write_requests(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (message := self._outbox.get()) is not None:
                stdin.write(message)
                if self._outbox.empty():
                    stdin.flush()
        except OSError:
            # Pagefind stopped; the reader fails every unanswered request with its error output.
            pass
        finally:
            try:
                # Closing its input is how Pagefind is told to exit.
                stdin.close()
            except OSError:
                pass

    def _read_answers(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        pending = bytearray()
        try:
            while chunk := stdout.read1(1 << 20):
                pending += chunk
                while (end := pending.find(b",")) >= 0:
                    self._answer(bytes(pending[:end]))
                    del pending[:end + 1]
        finally:
            self._fail_waiting()

    def _answer(self, encoded: bytes) -> None:
        response = json.loads(base64.b64decode(encoded))
        payload = response.get("payload") or {}
        message_id = response.get("message_id")
        if message_id is None and payload.get("original_message"):
            # Pagefind could not parse a request; it sends the request back instead of its id.
            message_id = json.loads(payload["original_message"]).get("message_id")
        with self._lock:
            answer = self._waiting.pop(message_id, None) if message_id is not None else None
        if answer is None:
            return
        if payload.get("type") == "Error":
            answer.set_exception(PagefindServiceError(payload.get("message", "unknown error")))
        else:
            answer.set_result(payload)

    def _fail_waiting(self) -> None:
        self._process.wait()
        error = PagefindServiceError(
            f"Pagefind stopped (exit status {self._process.returncode}) before answering: {self._errors()}")
        with self._lock:
            waiting, self._waiting = self._waiting, {}
            self._stopped = error
        for answer in waiting.values():
            answer.set_exception(error)

    def _errors(self) -> str:
        try:
            self._stderr.seek(0)
            return self._stderr.read().decode("utf-8", "replace").strip()[-2000:]
        except (OSError, ValueError):
            return ""
