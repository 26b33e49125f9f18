// The segdsl extension: highlighting (syntaxes/segdsl.tmLanguage.json) and the language
// server `segdsl lsp`, started over stdio with the command of the `segdsl.server.*`
// settings (by default `segdsl lsp`, from the PATH).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("segdsl");
  const command = config.get("server.path") || "segdsl";
  const args = config.get("server.args") || ["lsp"];
  return { command, args, transport: TransportKind.stdio };
}

async function start(context) {
  const options = serverOptions();
  client = new LanguageClient(
    "segdsl",
    "segdsl",
    { run: options, debug: options },
    {
      documentSelector: [
        { scheme: "file", language: "segdsl" },
        { scheme: "untitled", language: "segdsl" },
        { scheme: "file", pattern: "**/segdsl.toml" },
      ],
      initializationOptions: {
        evaluate: vscode.workspace.getConfiguration("segdsl").get("hover.evaluate", true),
        asOf: vscode.workspace.getConfiguration("segdsl").get("asOf", "") || undefined,
      },
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.seg,segdsl.toml}"),
      },
    }
  );
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `segdsl: cannot start \`${options.command} ${options.args.join(" ")}\`: ${err.message}. ` +
        "Install it with `pip install 'segdsl[lsp]'` or set segdsl.server.path."
    );
  }
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("segdsl.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    })
  );
  return start(context);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
