"""Tsunagu (つなぐ): the core shared by every stage — config models, errors and paths."""

__version__ = "0.1.0"
