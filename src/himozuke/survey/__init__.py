"""The fact-finding survey (実態調査, seeds 000–002; manual §3(1), §5(2)): questionnaire, answer sheets,
validation, the 一覧表 and the decision of who must check individual data.

Flow: :func:`write_form` → respondents fill it (or :func:`fill_form`) → :func:`collect` +
:func:`write_collection` → :func:`decide_collection` + :func:`write_decisions`. :func:`run_demo` does all.
"""

from himozuke.survey.collect import Collection, Sheet, collect, read_collection, write_collection
from himozuke.survey.decide import Decision, Need, Scope, decide, decide_collection, write_decisions
from himozuke.survey.demo import run_demo
from himozuke.survey.form import fill_form, write_form
from himozuke.survey.validate import Problem, validate

__all__ = ["Collection", "Decision", "Need", "Problem", "Scope", "Sheet", "collect", "decide", "decide_collection",
           "fill_form", "read_collection", "run_demo", "validate", "write_collection", "write_decisions",
           "write_form"]
