"""``himozuke serve``: the local web UI (issue #18)."""

from __future__ import annotations

from pathlib import Path

import typer

from himozuke.cli._app import app, console, err_console
from himozuke.web.api_guard import DEFAULT_BURST, DEFAULT_RATE, ApiSettings

LOCALHOST = "127.0.0.1"


@app.command()
def serve(
    store: Path = typer.Option(..., "--store", help="フォローアップ台帳（暗号化 DB）。なければ作成し、最初の管理者を画面で登録"),
    runs: Path = typer.Option(Path("himozuke-runs"), "--runs", help="点検の実行フォルダを置くフォルダ（実行ごとに 1 フォルダ）"),
    port: int = typer.Option(8000, "--port", help="ポート番号"),
    host: str = typer.Option(LOCALHOST, "--host", help="待ち受けるアドレス（既定 127.0.0.1。ほかは --allow-remote が必要）"),
    allow_remote: bool = typer.Option(False, "--allow-remote",
                                      help="127.0.0.1 以外で待ち受けることを認める（ネットワーク上の他の端末から見えます）"),
    passphrase_file: Path | None = typer.Option(None, "--passphrase-file",
                                                help="台帳のパスフレーズのファイル（既定: HIMOZUKE_PASSPHRASE か入力）"),
    api_rate: float = typer.Option(DEFAULT_RATE, "--api-rate", min=0.01,
                                   help="POST /api/v1/verify: トークンごとの毎秒の呼び出し数の上限"),
    api_burst: int = typer.Option(DEFAULT_BURST, "--api-burst", min=1, help="同じく、続けて受け付ける呼び出し数"),
) -> None:
    """ブラウザで使う画面を起動する（新規点検・結果・個別確認・進捗報告）。

    Serve the local web UI on http://127.0.0.1:PORT/. Only this machine can reach it unless --host and
    --allow-remote are both given. Business systems call POST /api/v1/verify with a token
    (himozuke cases token add NAME); the access log goes to stderr without query strings or numbers.

    例 / example:  himozuke serve --store 台帳.db --runs 点検/
    """
    from himozuke.cases.store import open_store, passphrase_from
    from himozuke.errors import UsageError

    if host != LOCALHOST:
        if not allow_remote:
            raise UsageError(f"{host} で待ち受けるには --allow-remote が必要です（既定は 127.0.0.1 のみ）",
                             f"listening on {host} needs --allow-remote (default: 127.0.0.1 only)")
        err_console.print(f"[bold yellow]警告[/]: {host} で待ち受けます。ネットワーク上の他の端末から画面に接続できます。"
                          "特定個人情報を扱う端末では閉じたネットワークでのみ使ってください。", soft_wrap=True)
    try:
        import uvicorn

        from himozuke.web.app import create_app
    except ImportError as e:  # the web extra is optional: say which, not a traceback
        raise UsageError(f"画面には追加のパッケージが必要です: pip install 'himozuke[web]'（{e.name} がありません）",
                         f"the web UI needs the web extra: pip install 'himozuke[web]' ({e.name} is missing)") from None

    passphrase, create = passphrase_from(passphrase_file), not store.exists()
    app_ = create_app(lambda: open_store(store, passphrase, create=create), runs,
                      api=ApiSettings(rate=api_rate, burst=api_burst))
    console.print(f"ブラウザで開いてください / open: http://{host}:{port}/", highlight=False)
    # the access log is on (who called the API, and when); himozuke.web.access_log keeps numbers out of it
    uvicorn.run(app_, host=host, port=port, log_level="info", access_log=True)
