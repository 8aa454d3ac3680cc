"""Deterministic demo data: a realistic 机关 party organisation, scalable to benchmark size.

Generators (names, regions, the org tree plan, member attributes) are pure functions of a seeded
`random.Random`, so two runs with the same seed and the same "today" produce the same data. `loader`
writes them in batches; the `demo` management command is the entry point.
"""
