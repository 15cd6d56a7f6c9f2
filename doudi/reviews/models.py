"""Tables of the reviews app."""
