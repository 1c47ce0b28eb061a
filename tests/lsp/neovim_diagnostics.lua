-- Neovim's built-in LSP client starts `genai-lint lsp`, opens one manifest and writes the diagnostics it
-- received, one per line: code, 0-based start line and column, end line and column, severity.
-- Driven by tests/lsp/test_neovim.py through the environment: GENAI_ROOT, GENAI_FILE, GENAI_OUT, GENAI_PYTHON.
local client_id = vim.lsp.start_client({
  name = "genai-lint",
  cmd = { vim.env.GENAI_PYTHON, "-c", "from genai_lint.entry import main; main()", "lsp" },
  root_dir = vim.env.GENAI_ROOT,
})
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.GENAI_FILE))
vim.lsp.buf_attach_client(0, client_id)
vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  table.insert(lines, string.format("%s %d %d %d %d %d", code, d.lnum, d.col, d.end_lnum, d.end_col, d.severity))
end
vim.fn.writefile(lines, vim.env.GENAI_OUT)
vim.cmd("qa!")
