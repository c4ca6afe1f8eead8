"""vorgio contract tests."""
