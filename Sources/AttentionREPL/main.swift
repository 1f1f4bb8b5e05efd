print("attention-repl: the interactive REPL is coming; see README.md")
