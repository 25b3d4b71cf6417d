// Starts `tenet lsp` for JSON and .tenet files; everything else is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("tenet").get("path", "tenet");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "tenet",
    "tenet",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "json" },
        { scheme: "untitled", language: "json" },
        { scheme: "file", language: "tenet" },
      ],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/tenet.toml") },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
