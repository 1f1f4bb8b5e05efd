enum TeachingPlaceholder {}
