"""The run: files -> units -> parsers -> model -> rules -> findings
(:mod:`.pipeline`), and what it applies on the way (suppressions, baseline, cache,
partial runs, plans, OIDC subjects, configuration)."""
