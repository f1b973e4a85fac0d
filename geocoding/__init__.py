"""Offline geocoding: address normalization and splitting, and town-level points from a gazetteer."""

from __future__ import annotations

from geocoding.address import AddressParts, normalize_address, split_address
from geocoding.gazetteer import Gazetteer, GazetteerError, geocode_csv

__all__ = ["AddressParts", "Gazetteer", "GazetteerError", "geocode_csv", "normalize_address", "split_address"]
