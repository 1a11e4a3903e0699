"""Terraform's evaluation, as far as the files know it.

Terraform computes a configuration's values from variables (defaults, ``.tfvars``,
``-var-file``), locals, data sources, resources and module calls, with a language of
operators, ``for`` expressions, splats, templates and some hundred functions. Trust
policies are rarely literal: they are built in modules from inputs, filled from
var-files and rendered from templates. This package follows those values the way
Terraform does, and keeps everything it cannot know unknown (never a guess):

- :mod:`.values`: conventions on :class:`~assume_lint.parsers.located.Node` values
  (null, unknown, partly known strings) and :class:`EvalError`, Terraform's errors
  (``try`` and ``can`` catch them; anywhere else they make a value unknown).
- :mod:`.functions`: the built-in functions real modules use.
- :mod:`.types`: variable type constraints (``optional()`` attributes and defaults).
- :mod:`.templates`: the template language (``${}``, ``%{ if }``, ``%{ for }``) of
  strings, heredocs and ``templatefile``, rendered with where every character came from.
- :mod:`.evaluator`: expressions, on the trees of :mod:`~assume_lint.parsers.hcl`.
- :mod:`.module`: one module instance (variables, locals, data sources, resources,
  module calls with ``count``/``for_each``, outputs), lazily and memoised.
- :mod:`.sources`: where a module call's source is (local folders, ``modules.json``).

:mod:`assume_lint.parsers.terraform` turns an evaluated module into the model.
"""
