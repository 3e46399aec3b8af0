"""isomargin: a self-hostable, Binance-compatible server for USDⓈ-M Futures isolated margin."""

__version__ = "0.1.0"
