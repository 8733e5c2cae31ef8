"""Tools for IT that are not part of the running bot (the Teams app package builder and its
icon drawer)."""
