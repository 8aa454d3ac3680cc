"""Deterministic demo data: a realistic 机关 party organisation, scalable to benchmark size (the top floor).

The `demo` management command is the entry point. `loader` writes the org tree (planned by dangjian.orgs.demo),
the members (drawn by dangjian.members.demo), the demo logins and their audit entries in batches; then every app's
own `demo` module adds its records, as the steps registered in dangjian.lib.demo.registry, discovered here. The
generators are pure functions of a seeded `random.Random`, so the same seed and "today" give the same data.
"""
