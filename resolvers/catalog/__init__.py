"""The catalog: items and their category tree."""
