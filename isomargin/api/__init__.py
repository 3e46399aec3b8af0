"""The HTTP edge: Binance's REST surface and the control plane, as one ASGI app."""
