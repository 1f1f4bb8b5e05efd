// Replaced by the model-file and tokenizer tests.
