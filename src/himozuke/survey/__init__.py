"""The fact-finding survey (実態調査: the 労災・健康行政・中国残留邦人等 調査依頼 and their 別添; 総点検マニュアル
§3(1), §5(2)): questionnaire, answer sheets, validation, the 一覧表 and the decision of who must check individual data.

Flow: :func:`write_form` → respondents fill it (or :func:`fill_form`) → :func:`collect` +
:func:`write_collection` → :func:`decide_collection` + :func:`write_decisions`. :func:`run_demo` does all.

Import from the modules (``himozuke.survey.form`` …): the package itself imports nothing, so that the CLI's
``himozuke check`` does not load openpyxl.
"""
