"""The mail outbox: queueing mails, rendering them in the recipient's language, sending them."""
