"""The realtime core: events and their sequences, the per-process fan-out hub, the consumer base
class every socket builds on, and the WebSocket routes. Domains define their own events and groups."""
