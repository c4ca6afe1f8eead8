"""Compiled execution: known query documents run as one SQL statement that builds their JSON
(see `plans`), wherever every field they select has a SQL form (`forms`)."""
