"""Custom Rasa components of the multilingual model only (issue 16): e5 sentence vectors, Thai
word segmentation, the label readers with e5.

They live outside ``nlu/components`` on purpose: the English model's name is a hash of that
folder, so adding them there would rename (and retrain) the English model. Keep this file free of
imports: Rasa's environment imports the package on its way to a component.
"""
