"""Files: uploads checked by size and type, stored through a `FileStorage`, per organization."""
