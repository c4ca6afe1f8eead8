"""yaoka contract tests."""
