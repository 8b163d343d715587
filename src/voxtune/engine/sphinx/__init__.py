"""The pocketsphinx engine: recognition (recognizer.py), streaming (streaming.py), reading a
decoded utterance into phrases (hypotheses.py), and acoustic adaptation (adapt/)."""
