"""Agreements (skeleton-crm's contracts) with parties: lifecycle, terms history, renewals."""
