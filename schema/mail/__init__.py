"""The mail outbox in GraphQL: mailing an invoice, reading mail events."""
