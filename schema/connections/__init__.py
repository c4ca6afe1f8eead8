"""Invoice-provider connections in GraphQL (accounting permission); secrets are write-only."""
