"""The messenger: conversations (direct or group), members, messages, read state, typing."""
