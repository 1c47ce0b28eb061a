"""The language server: editor events in, the features of the sibling modules out, over stdio (pygls)."""

from __future__ import annotations

import asyncio
import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from genai_lint import __version__
from genai_lint.findings import Finding, Severity, Span
from genai_lint.loader import Document
from genai_lint.formats.sarif import INFORMATION_URI
from genai_lint.lsp import actions, completion, cursor, hover, symbols
from genai_lint.lsp.analysis import Analysis, analyse

DEBOUNCE_SECONDS = 0.3
"""Edits are linted at most once per this interval: an edit after a pause at once, a burst of edits
coalesced into one lint this long after the previous one started (and one more when the burst ends)."""
EXPLAIN_URI = f"{INFORMATION_URI}#rules"
"""Where a diagnostic's code links: the rules table of the project's README (the SARIF home link's)."""
FILE_CHECKS = frozenset({"M007", "M008", "M012"})
"""The codes that read asset files: not computed while typing (``--no-files``), computed on open and save."""
SEVERITIES = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
              Severity.INFO: types.DiagnosticSeverity.Information}


class ManifestServer(LanguageServer):
    """Keeps each open manifest's last analysis; lints on open and save (with files) and while typing (without)."""

    def __init__(self) -> None:
        super().__init__("genai-lint", __version__)
        self.analyses: dict[str, Analysis] = {}
        self.loaded: dict[Path, Document] = {}
        """The document of each open manifest's last text that loaded (reused by the next analysis)."""
        self.pending: dict[str, asyncio.Handle] = {}
        self.last_lint: dict[str, float] = {}
        """When each buffer was last linted while typing (the event loop's clock)."""

    def manifest_uris(self) -> list[str]:
        return [uri for uri, document in self.workspace.text_documents.items() if _is_manifest(document)]

    def lint(self, uri: str, check_files: bool, unchanged: bool = False) -> None:
        """Analyse ``uri`` with every open manifest's unsaved text, and publish its diagnostics.

        ``unchanged``: the buffer's own text did not change (a sibling did), so the file findings of its
        last analysis still stand where they are and are kept without reading the files again.
        """
        self.pending.pop(uri, None)
        document = self.workspace.get_text_document(uri)
        buffers = {Path(document.path).absolute(): document.source
                   for document in map(self.workspace.get_text_document, self.manifest_uris())}
        with kept_out_of_gc():
            analysis = analyse(Path(document.path).absolute(), buffers, check_files, self.loaded)
        previous = self.analyses.get(uri)
        if unchanged and not check_files and previous is not None:
            analysis.findings += [finding for finding in previous.findings if finding.code in FILE_CHECKS]
        if analysis.error:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"genai-lint: {analysis.error}"))
        self.analyses[uri] = analysis
        lines = document.lines  # split once: pygls splits the whole text on every access
        diagnostics = [self.diagnostic(lines, finding) for finding in analysis.findings]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics,
                                                                              version=document.version))

    def lint_later(self, uri: str) -> None:
        """Lint the edited ``uri`` soon: at once after a pause, else :data:`DEBOUNCE_SECONDS` after the last lint.

        Edits that arrive before the scheduled lint runs are all answered by it.
        """
        if uri in self.pending:
            return
        loop = asyncio.get_running_loop()
        due = self.last_lint.get(uri, float("-inf")) + DEBOUNCE_SECONDS
        self.pending[uri] = loop.call_at(max(due, loop.time()), self.lint_with_siblings, uri)

    def lint_with_siblings(self, uri: str) -> None:
        """Lint the edited ``uri``, then the other open manifests, whose cross-file findings may have changed."""
        self.last_lint[uri] = asyncio.get_running_loop().time()
        self.lint(uri, check_files=False)
        for other in self.manifest_uris():
            if other != uri and other in self.analyses:
                self.lint(other, check_files=False, unchanged=True)

    def to_range(self, lines: list[str], span: Span) -> types.Range:
        """A finding's 1-based code-point span as the client's range."""
        return types.Range(self.to_client(lines, span.line - 1, span.column - 1),
                           self.to_client(lines, span.end_line - 1, span.end_column - 1))

    def to_client(self, lines: list[str], line: int, character: int) -> types.Position:
        """A 0-based code-point position in the client's units (pygls's conversion, skipped on ASCII lines)."""
        if line < len(lines) and lines[line].isascii():
            return types.Position(line, min(character, len(lines[line])))
        return self.workspace.position_codec.position_to_client_units(lines, types.Position(line, character))

    def diagnostic(self, lines: list[str], finding: Finding) -> types.Diagnostic:
        message = finding.message + (f"\nfix: {finding.fix}" if finding.fix else "")
        severity = SEVERITIES[finding.severity]
        if finding.waived is not None:
            message += f"\n(waived: {finding.waived.reason})"
            severity = types.DiagnosticSeverity.Hint
        return types.Diagnostic(range=self.to_range(lines, finding.span), message=message, severity=severity,
                                code=finding.code, source=f"genai-lint {finding.name}",
                                code_description=types.CodeDescription(href=EXPLAIN_URI),
                                data={"name": finding.name})

    def position(self, document: TextDocument, position: types.Position) -> types.Position:
        """The client's position in code points (what the loader counts)."""
        return self.workspace.position_codec.position_from_client_units(document.lines, position)

    def offset_range(self, document: TextDocument, start: int, end: int) -> types.Range:
        text = document.source

        def position(index: int) -> types.Position:
            line = text.count("\n", 0, index)
            return types.Position(line, index - (text.rfind("\n", 0, index) + 1))

        return self.workspace.position_codec.range_to_client_units(document.lines,
                                                                   types.Range(position(start), position(end)))


server = ManifestServer()


@contextmanager
def kept_out_of_gc() -> Iterator[None]:
    """Run an analysis without cyclic garbage collection, then exempt what it built from later collections.

    An analysis builds about a million containers and no cycles (tests/lsp prove it); the collector would
    walk them on every pass for as long as the server keeps them, which cost more than the analysis itself.
    Frozen objects are still freed when no longer referenced. The young garbage of the protocol is collected
    first, cheaply: what earlier analyses built is frozen.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _is_manifest(document: TextDocument) -> bool:
    from genai_lint.config import Settings
    from genai_lint.project import is_manifest_name

    return is_manifest_name(Path(document.path).name, Settings())


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ManifestServer, params: types.DidOpenTextDocumentParams) -> None:
    if _is_manifest(ls.workspace.get_text_document(params.text_document.uri)):
        ls.lint(params.text_document.uri, check_files=True)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ManifestServer, params: types.DidChangeTextDocumentParams) -> None:
    if _is_manifest(ls.workspace.get_text_document(params.text_document.uri)):
        ls.lint_later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ManifestServer, params: types.DidSaveTextDocumentParams) -> None:
    if _is_manifest(ls.workspace.get_text_document(params.text_document.uri)):
        saved = params.text_document.uri
        for uri in ls.manifest_uris():  # a save can change what the other manifests' cross-file rules see
            ls.lint(uri, check_files=uri == saved, unchanged=uri != saved)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ManifestServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.analyses.pop(params.text_document.uri, None)
    ls.loaded.pop(Path(ls.workspace.get_text_document(params.text_document.uri).path).absolute(), None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: ManifestServer, params: types.HoverParams) -> types.Hover | None:
    from genai_lint.loader import path_at

    uri = params.text_document.uri
    document, analysis = ls.workspace.get_text_document(uri), ls.analyses.get(uri)
    if analysis is None:  # not a manifest
        return None
    where = ls.position(document, params.position)
    line, column = where.line + 1, where.character + 1
    rules = analysis.rules or {}
    parts = [hover.finding_doc(finding, rules.get(finding.code))
             for finding in analysis.findings if _contains(finding.span, line, column)]
    if not parts:
        found = path_at(document.source, line, column)
        if found is not None:
            path, is_key = found
            text = hover.key_doc(path) if is_key else hover.reference_doc(path, _value(analysis, path),
                                                                          analysis.project)
            parts = [text] if text else []
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=[" ", "-", "[", ","]))
def on_completion(ls: ManifestServer, params: types.CompletionParams) -> types.CompletionList:
    uri = params.text_document.uri
    document, analysis = ls.workspace.get_text_document(uri), ls.analyses.get(uri)
    where = ls.position(document, params.position)
    found = cursor.at(document.source, where.line, where.character) if analysis is not None else None
    if found is None:
        return types.CompletionList(is_incomplete=False, items=[])
    items = completion.complete(found, analysis.project)
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def on_code_action(ls: ManifestServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document, analysis = ls.workspace.get_text_document(uri), ls.analyses.get(uri)
    if analysis is None:
        return []
    line = ls.position(document, params.range.start).line + 1
    lines = document.lines
    result = []
    for fix in actions.fixes(Path(document.path).absolute(), document.source, analysis.project,
                             analysis.findings, line):
        edits = [types.TextEdit(range=ls.offset_range(document, start, end), new_text=text)
                 for start, end, text in fix.splices]
        diagnostics = [ls.diagnostic(lines, fix.finding)] if fix.finding is not None else None
        result.append(types.CodeAction(title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=diagnostics,
                                       is_preferred=fix.preferred or None,
                                       edit=types.WorkspaceEdit(changes={uri: edits})))
    return result


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_symbols(ls: ManifestServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    uri = params.text_document.uri
    document, manifest = ls.workspace.get_text_document(uri), _manifest(ls.analyses.get(uri))
    if manifest is None or manifest.document is None:
        return []
    lines = document.lines
    return symbols.outline(manifest.document, lambda span: ls.to_range(lines, span))


def _manifest(analysis: Analysis | None):
    if analysis is None or analysis.project is None:
        return None
    return next((m for m in analysis.project.manifests if m.rel == analysis.rel), None)


def _value(analysis: Analysis | None, path: tuple) -> object:
    manifest = _manifest(analysis)
    node: object = manifest.data if manifest is not None else None
    for step in path:
        try:
            node = node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _contains(span: Span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def run() -> None:
    """Serve over stdio until the client says exit."""
    server.start_io()
