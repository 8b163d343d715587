"""The pocketsphinx engine: recognition (recognizer.py), streaming (streaming.py), the decoder
a recognizer shares with its streams (decoder.py), reading a decoded utterance into phrases
(hypotheses.py), and training: the language model (language_model.py), the decoder settings
custom models are served with (decoder_options.py), acoustic adaptation (adapt/) and the steps
that make a custom model of them (trainer.py)."""
