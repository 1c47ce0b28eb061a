// Starts `genai-lint lsp` for the production's manifests; every feature comes from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const [command, ...args] = vscode.workspace.getConfiguration("genaiLint").get("command");
  client = new LanguageClient("genai-lint", "genai-lint", { command, args }, {
    documentSelector: [{ scheme: "file", pattern: "**/genai-manifest.{yaml,yml}" }],
  });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
