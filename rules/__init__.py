"""The rule modules: one module per rule, its docstring is its documentation.

Discovery lives in :mod:`assume_lint.model.registry`; modules whose name starts with an
underscore (``_helpers``) are not rules.
"""
