"""What tests share: answer plans, people with roles, and one driver for a household through the engine.

- ``tests.support.plans``: realistic households as answer plans (``WANG``, ``household(**changes)``,
  the follow-ups ``ALL_MET``/``NOT_YET``) and ``plan_value`` (a plan's answer for a question path).
- ``tests.support.factory``: people of each role and unit, a team, a registry with a fixed clock,
  a service over a database, reading and approving records.
- ``tests.support.household``: answer an interview from a plan through the service (to any question,
  for some steps, to submitted or approved) or through the bare engine.
- ``tests.support.export_cases``: the export and 附件2 households with their hand-counted figures.

Nowhere else: ``test_support.py`` fails on a test helper outside this package that gives someone a
role or answers from a plan.
"""
