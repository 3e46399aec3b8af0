"""Parsers and renderers of Binance's endpoints: parameters in, JSON out; ``api/routes.py`` pairs them
with their services. No handler opens a transaction or imports the store (tests/unit/test_layering.py)."""
