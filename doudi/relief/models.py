"""Tables of the relief app."""
