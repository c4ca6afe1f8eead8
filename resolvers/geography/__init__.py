"""Countries: the ISO 3166 catalogue, each organization's own list, and its use cases."""
