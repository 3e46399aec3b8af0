"""The user-data stream: frames (pure rendering), the hub (fan-out to connections), the feed
(events committed by other workers and hosts) and the WebSocket endpoint."""
