"""Language ID evaluation: accuracy per language and the confusion matrix on a labelled set."""
