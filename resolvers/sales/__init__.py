"""Sales orders: one model behind cloud-billing's and skeleton-crm's orders."""
