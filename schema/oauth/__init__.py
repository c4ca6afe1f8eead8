"""Connecting outside services over OAuth (Pennylane)."""
