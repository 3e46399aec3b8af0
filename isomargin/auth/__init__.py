"""Request authentication: the signing payload, signatures, the timestamp window."""
