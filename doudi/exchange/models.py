"""Tables of the exchange app."""
