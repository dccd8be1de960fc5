"""The core of the generator: the model and the helpers every stage shares."""
