"""A small JSON-RPC client speaking LSP over the real server's stdio, for the tests."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

SERVER = [sys.executable, "-c", "from genai_lint.entry import main; main()", "lsp"]


class Client:
    """Starts ``genai-lint lsp``, sends requests and notifications, collects what the server sends."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, cwd=root)
        self.next_id = 0
        self.responses: dict[int, Any] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.diagnostics: dict[str, list[dict]] = {}
        self.published: dict[str, int | None] = {}
        """The document version each ``uri``'s last diagnostics answered."""
        self.condition = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"hover": {"contentFormat": ["markdown"]},
                             "documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}}})
        self.notify("initialized", {})
        self.versions: dict[str, int] = {}

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            message = json.loads(stream.read(int(headers["content-length"])))
            with self.condition:
                if "id" in message and "method" not in message:
                    self.responses[message["id"]] = message
                elif message.get("method") == "textDocument/publishDiagnostics":
                    self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                    self.published[message["params"]["uri"]] = message["params"].get("version")
                else:
                    self.notifications.put(message)
                self.condition.notify_all()

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        with self.condition:
            if not self.condition.wait_for(lambda: ident in self.responses, timeout):
                raise TimeoutError(f"no answer to {method}")
            response = self.responses.pop(ident)
        if "error" in response:
            raise RuntimeError(response["error"])
        return response["result"]

    def wait_diagnostics(self, uri: str, until: Callable[[list[dict]], bool] = lambda _: True,
                         timeout: float = 30) -> list[dict]:
        """The diagnostics of ``uri`` once published and ``until`` holds for them."""
        with self.condition:
            if not self.condition.wait_for(lambda: uri in self.diagnostics and until(self.diagnostics[uri]), timeout):
                raise TimeoutError(f"no diagnostics for {uri}: {self.diagnostics.get(uri)}")
            return self.diagnostics[uri]

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        self.versions[uri] = 1
        self.diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return uri

    def change(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        with self.condition:
            self.diagnostics.pop(uri, None)
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": [{"text": text}]})

    def edit(self, uri: str, start: dict, end: dict, text: str) -> int:
        """Replace the range ``start``-``end`` with ``text`` (incremental sync, as editors send a keystroke);
        the new version, whose diagnostics :meth:`wait_version` waits for."""
        self.versions[uri] += 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": [{"range": {"start": start, "end": end},
                                                                   "text": text}]})
        return self.versions[uri]

    def wait_version(self, uri: str, version: int, timeout: float = 30) -> list[dict]:
        """The diagnostics published for ``version`` of ``uri`` (or a later one)."""
        with self.condition:
            if not self.condition.wait_for(lambda: (self.published.get(uri) or 0) >= version, timeout):
                raise TimeoutError(f"no diagnostics for version {version} of {uri}")
            return self.diagnostics[uri]

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.stdout.close()
            self.process.stdin.close()
            self.process.stderr.close()


def at(line: int, character: int) -> dict:
    return {"line": line, "character": character}
