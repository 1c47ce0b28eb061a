-- genai-lint language server for Neovim 0.8 and later: put this in your init.lua
-- (or in ~/.config/nvim/after/ftplugin/yaml.lua without the autocmd).
vim.api.nvim_create_autocmd("FileType", {
  pattern = "yaml",
  callback = function(event)
    local name = vim.fs.basename(vim.api.nvim_buf_get_name(event.buf))
    if name ~= "genai-manifest.yaml" and name ~= "genai-manifest.yml" then
      return
    end
    vim.lsp.start({
      name = "genai-lint",
      cmd = { "genai-lint", "lsp" },
      root_dir = vim.fs.dirname(vim.fs.find({ ".genai-lint.yaml", ".git" }, { upward = true })[1]),
    })
  end,
})
