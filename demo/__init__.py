"""Bundled demo stack: local stand-ins for the systems the runbooks describe."""
