"""The fact-finding survey (実態調査, seeds 000–002; manual §3(1), §5(2)): questionnaire, answer sheets,
validation, the 一覧表 and the decision of who must check individual data.

Flow: :func:`write_form` → respondents fill it (or :func:`fill_form`) → :func:`collect` +
:func:`write_collection` → :func:`decide_collection` + :func:`write_decisions`. :func:`run_demo` does all.

Import from the modules (``himozuke.survey.form`` …): the package itself imports nothing, so that the CLI's
``himozuke check`` does not load openpyxl.
"""
