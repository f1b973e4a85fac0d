"""Bundled gazetteer extracts (``<code>.csv``), a package so they ship as package data."""
