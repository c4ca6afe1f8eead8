"""Tests of the REST compatibility layer (packages, so test modules may share names)."""
