"""Custom Rasa graph components, loaded by Rasa (``.venv-rasa``) through their module path.

``minilm_featurizer`` imports Rasa; ``encoder`` and ``alignment`` need only numpy,
onnxruntime and tokenizers, so the main environment can import them too. Keep this file free of
imports: Rasa's environment imports the package on its way to a component.
"""
