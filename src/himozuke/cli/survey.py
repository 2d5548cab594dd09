"""``himozuke survey …`` — the fact-finding survey (実態調査). See issue 6."""

from __future__ import annotations

import typer

from himozuke.cli._app import app

survey_app = typer.Typer(help="実態調査: 調査票の作成・回収・判定 / the fact-finding survey", no_args_is_help=True)
app.add_typer(survey_app, name="survey")
