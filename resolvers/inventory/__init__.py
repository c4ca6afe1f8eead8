"""Warehouses and stock, changed only through movements."""
