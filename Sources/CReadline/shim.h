#ifndef ATTENTION_REPL_CREADLINE_SHIM_H
#define ATTENTION_REPL_CREADLINE_SHIM_H

#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// Swift 6 refuses direct reads and writes of readline's mutable C globals as not
// concurrency-safe; these small accessors keep that access in C, in one place.

/// Installs the completion function, names the program for ~/.inputrc, turns off
/// bracketed paste and, when `prompt_to_stderr`, sends the prompt to stderr (so that
/// `attention-repl | tee log` keeps prompts out of the pipe).
static inline void attention_rl_setup(rl_completion_func_t *complete, int prompt_to_stderr) {
    rl_readline_name = "attention-repl";
    rl_attempted_completion_function = complete;
    rl_variable_bind("enable-bracketed-paste", "off");
    rl_outstream = prompt_to_stderr ? stderr : stdout;
}

/// The line being edited, and the cursor's offset in it.
static inline const char *attention_rl_line(void) { return rl_line_buffer; }

/// Stops readline from falling back to file-name completion after ours.
static inline void attention_rl_completion_over(int over) { rl_attempted_completion_over = over; }

/// Ctrl-C at the prompt: drop the line and show a fresh prompt.
static inline void attention_rl_interrupted(void) {
    rl_replace_line("", 0);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
}

#endif
