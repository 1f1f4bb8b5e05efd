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

/// Defined in module Platform: notes a Ctrl-C for the command that is running.
extern void attention_request_interrupt(void);

/// The SIGINT handler: Ctrl-C at the prompt drops the line and shows a fresh prompt.
///
/// While readline reads a line it catches SIGINT itself, only noting it; at a safe point it
/// cleans up, then sends the signal again with this handler in place and RL_STATE_SIGHANDLER
/// set. Only then may the handler call readline. A Ctrl-C that arrives while a command runs
/// finds readline idle: calling readline there (which allocates) from an interrupted
/// computation, perhaps interrupted inside malloc, could deadlock or garble the output. So it
/// only sets a flag, which a long command (`fit`) polls between steps to stop cleanly; every
/// other command is bounded and ignores it.
static inline void attention_rl_sigint(int signal_number) {
    (void)signal_number;
    if (!RL_ISSTATE(RL_STATE_SIGHANDLER)) {
        attention_request_interrupt();
        return;
    }
    rl_replace_line("", 0);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
}

#endif
