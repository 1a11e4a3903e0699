"""Files, text and processes: finding (:mod:`.walk`), reading (:mod:`.sources`,
:mod:`.fileio`) and masking (:mod:`.secrets`) what the linter reads, and the worker
processes that parse it (:mod:`.workers`)."""
