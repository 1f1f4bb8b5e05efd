enum TensorIOPlaceholder {}
