"""The check: join, compare, classify, prioritise (manual §7(6))."""

#: The version of the rules' outcomes. Bump it in the same commit as any change that alters a 判定, 理由 or 優先度
#: of some input (tests/cli/test_check.py ties it to the golden result.csv), so that a case in the store can
#: always say which rules judged it. 2: issue #16 (nothing A without evidence, the address of real registers,
#: the 優先度 that finds twins).
RULE_VERSION = "2"
