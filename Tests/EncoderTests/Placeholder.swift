// Replaced by the encoder tests.
