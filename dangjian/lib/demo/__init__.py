"""Pure generators the apps' demo modules share (names, regions, Chinese numerals) and the registry of demo steps.

Nothing here touches the database; the apps' `demo` modules write their records, and the top-floor `dangjian.demo`
app runs them in order (see `registry`).
"""
