"""Runbook site generator with executable checks.

Pipeline (one module per stage):
``yamlload`` → ``schema``/``model`` → ``render``/``plugin`` (site) and
``scripts`` (check scripts) → ``engine`` (run checks) → ``results`` →
``stamp`` (write results back into built pages).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
