"""``genai-lint lsp``: a Language Server Protocol server, so findings appear in the editor as you type.

One module a feature: :mod:`.analysis` runs the same pipeline as ``check`` on editor buffers,
:mod:`.hover`, :mod:`.completion`, :mod:`.actions` and :mod:`.symbols` answer the editor's
requests, :mod:`.server` wires them to pygls (installed with ``pip install 'genai-lint[lsp]'``).
"""
