"""End-to-end test of `tenet lsp` driven by a real LSP client (pytest-lsp, on pygls).

Run by scripts/lsp_e2e.sh, which installs pytest-lsp and points TENET_BIN at the built binary.
Each test starts `tenet lsp` as a subprocess, speaks JSON-RPC to it over stdio with the
capabilities of a real editor, and checks what comes back.
"""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

TENET = os.environ.get("TENET_BIN", "tenet")

GOOD = (
    '{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", '
    '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}\n'
)


async def start(client: LanguageClient, spec: str, root: pathlib.Path):
    params = types.InitializeParams(
        capabilities=client_capabilities(spec),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
    )
    return await client.initialize_session(params)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[TENET, "lsp"]))
async def vscode(lsp_client: LanguageClient, tmp_path):
    result = await start(lsp_client, "visual-studio-code", tmp_path)
    assert result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()
    # shutdown then exit: the server must leave with status 0, not hang.
    assert lsp_client._server.returncode == 0


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[TENET, "lsp"]))
async def neovim(lsp_client: LanguageClient, tmp_path):
    result = await start(lsp_client, "neovim@v0.11.0", tmp_path)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


async def diagnostics_after(client: LanguageClient, uri: str, send) -> list:
    """Sends a notification and waits until the server publishes diagnostics for `uri`."""
    client.diagnostics.pop(uri, None)
    send()
    for _ in range(200):
        if uri in client.diagnostics:
            return list(client.diagnostics[uri])
        await asyncio.sleep(0.025)
    raise AssertionError(f"no diagnostics published for {uri}")


def open_doc(client: LanguageClient, name: str, text: str, language: str = "json") -> str:
    uri = (client.root / name).as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, start, end, text: str):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text
                )
            ],
        )
    )


@pytest.mark.asyncio
async def test_a_fault_is_located_then_cleared_by_an_edit(vscode):
    client = vscode
    text = GOOD.replace('"Allow"', '"Alow"')
    col = text.index('"Alow"')
    uri = (client.root / "p.json").as_uri()
    diags = await diagnostics_after(client, uri, lambda: open_doc(client, "p.json", text))
    assert [d.code for d in diags] == ["SYN008"], diags
    assert diags[0].range == types.Range(start=types.Position(0, col), end=types.Position(0, col + 6))
    assert diags[0].severity == types.DiagnosticSeverity.Error

    # Hover on the fault shows the rule's documentation, as `tenet explain` prints it.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, col + 2))
    )
    assert hover.contents.value.startswith("SYN008 invalid-effect"), hover.contents.value

    diags = await diagnostics_after(client, uri, lambda: change(client, uri, 2, (0, col + 1), (0, col + 5), "Allow"))
    assert diags == [], diags

    # Mid-edit JSON that does not parse gets a syntax diagnostic, and the server keeps answering.
    diags = await diagnostics_after(client, uri, lambda: change(client, uri, 3, (0, 0), (0, 1), ""))
    assert diags and diags[0].code.startswith("SYN"), diags

    # Closing clears.
    diags = await diagnostics_after(
        client,
        uri,
        lambda: client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
    )
    assert diags == []


@pytest.mark.asyncio
async def test_utf8_ranges_when_the_client_offers_them(neovim):
    client = neovim
    text = GOOD.replace('"Read"', '"Zugriff für alle"').replace('"Allow"', '"Alow"')
    byte_col = text.encode().index(b'"Alow"')
    uri = (client.root / "p.json").as_uri()
    diags = await diagnostics_after(client, uri, lambda: open_doc(client, "p.json", text))
    assert [d.code for d in diags if d.code == "SYN008"] == ["SYN008"], diags
    syn = next(d for d in diags if d.code == "SYN008")
    assert syn.range.start == types.Position(0, byte_col), (syn.range, byte_col)


@pytest.mark.asyncio
async def test_hover_and_completion_answer_from_the_catalog(vscode):
    client = vscode
    uri = (client.root / "p.json").as_uri()
    await diagnostics_after(client, uri, lambda: open_doc(client, "p.json", GOOD))
    col = GOOD.index("s3:GetObject") + 4
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, col))
    )
    assert "**s3:GetObject**" in hover.contents.value and "Access level: Read" in hover.contents.value

    end = GOOD.index("s3:GetObject") + len("s3:GetObj")
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, end))
    )
    labels = {item.label for item in completion.items}
    assert {"s3:GetObjectAcl", "s3:GetObjectTagging"} <= labels, sorted(labels)[:20]

    # A request about a document that was never opened is an LSP error, not a crash.
    with pytest.raises(Exception):
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=(client.root / "nope.json").as_uri()),
                position=types.Position(0, 0),
            )
        )


def apply_edits(text: str, edits) -> str:
    """Applies TextEdits (UTF-16 positions on one-line-per-\\n text) to `text`."""
    lines = text.split("\n")

    def offset(pos):
        line = lines[pos.line]
        prefix = line.encode("utf-16-le")[: 2 * pos.character].decode("utf-16-le")
        return sum(len(l) + 1 for l in lines[: pos.line]) + len(prefix)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


@pytest.mark.asyncio
async def test_a_quick_fix_applies(vscode):
    client = vscode
    text = GOOD.replace('"Action": "s3:GetObject"', '"Action": ["s3:GetObject", "s3:GetObject"]')
    uri = (client.root / "p.json").as_uri()
    diags = await diagnostics_after(client, uri, lambda: open_doc(client, "p.json", text))
    redundant = [d for d in diags if d.code == "IAM110"]
    assert redundant, diags
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=redundant[0].range,
            context=types.CodeActionContext(diagnostics=redundant),
        )
    )
    fix = next(a for a in actions if a.is_preferred)
    suppress = next(a for a in actions if a.title.startswith("suppress"))
    fixed = apply_edits(text, fix.edit.changes[uri])
    assert '"Action": ["s3:GetObject"]' in fixed, fixed
    diags = await diagnostics_after(
        client,
        uri,
        lambda: client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
            )
        ),
    )
    assert not [d for d in diags if d.code == "IAM110"], diags
    assert '"Sid": "ReadTenetIgnoreIAM110"' in apply_edits(text, suppress.edit.changes[uri])


@pytest.mark.asyncio
async def test_properties_are_proved_on_save(vscode):
    client = vscode
    (client.root / "bucket.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", '
        '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}]}\n'
    )
    props = (
        'policy resource "bucket.json"\n\n'
        "property no-public-put:\n"
        '  never allow s3:PutObject on "arn:aws:s3:::examplebucket/*" owned by "111122223333"\n'
        '    for principal outside accounts ["111122223333"]\n\n'
        "property bucket-not-public:\n"
        '  not public "bucket.json"\n'
    )
    (client.root / "bucket.tenet").write_text(props)
    uri = (client.root / "bucket.tenet").as_uri()
    diags = await diagnostics_after(client, uri, lambda: open_doc(client, "bucket.tenet", props, "tenet"))
    assert diags == [], "no syntax error, no proof before a save"
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    for _ in range(400):
        if any(d.code == "PRV001" for d in client.diagnostics.get(uri, [])):
            break
        await asyncio.sleep(0.025)
    diags = client.diagnostics.get(uri, [])
    violated = [d for d in diags if d.code == "PRV001"]
    assert len(violated) == 1, diags
    assert violated[0].range.start.line == 6, violated[0]
    assert "bucket-not-public" in violated[0].message and "counterexample" in violated[0].message
    assert violated[0].severity == types.DiagnosticSeverity.Error
    holds = [d for d in diags if d.code == "PRV000"]
    assert [d.range.start.line for d in holds] == [2], diags
