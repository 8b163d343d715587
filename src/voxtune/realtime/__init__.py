"""Real-time recognition, beside the management use cases of service/: short-audio REST
(short_audio.py) and the Speech SDK's WebSocket protocol (usp.py: the framing; session.py:
one connection's turns and replies; stream_worker.py: its decoder in a process of its own),
with the query both share (query.py: model, output format, profanity)."""
