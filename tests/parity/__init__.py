"""The parity suite: isomargin's answers compared with the real Binance server's (docs/parity.md)."""
