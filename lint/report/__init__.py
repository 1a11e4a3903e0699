"""Reports drawn from a run's result and model: the who-assumes-what graph and the
rule documentation (the formatters are in :mod:`assume_lint.formatters`)."""
