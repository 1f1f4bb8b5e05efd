@preconcurrency import CReadline
import Foundation
import Platform
import Testing

/// The SIGINT handler, called directly: it may touch readline only when readline itself hands
/// the signal on from a safe point (RL_STATE_SIGHANDLER). A Ctrl-C that lands while a command
/// runs must leave readline alone. (The tmux test sees only a stray prompt; the real harm, a
/// readline call that allocates interrupting malloc, is a matter of timing, so it is checked
/// here by the handler's effect on readline's line.)
@Suite("Ctrl-C handler", .serialized)
struct InterruptHandlerTests {
    /// readline initialised on /dev/null, so nothing reaches the test's terminal.
    static func prepareReadline() throws {
        let sink = try #require(fopen("/dev/null", "r+"))
        rl_instream = sink
        rl_outstream = sink
        rl_initialize()
    }

    /// While a command runs, the handler only raises the flag a long command (`fit`) polls.
    @Test func onlyNotesTheInterruptWhileReadlineIsIdle() throws {
        try Self.prepareReadline()
        rl_replace_line("half a command", 0)
        attention_clear_interrupt()

        attention_rl_sigint(SIGINT)

        #expect(String(cString: rl_line_buffer) == "half a command")
        #expect(attention_interrupt_requested() == 1)
        attention_clear_interrupt()
        #expect(attention_interrupt_requested() == 0)
    }

    @Test func clearsTheLineWhenReadlineHandsItOn() throws {
        try Self.prepareReadline()
        rl_replace_line("half a command", 0)

        attention_clear_interrupt()
        rl_readline_state |= UInt(RL_STATE_SIGHANDLER)
        attention_rl_sigint(SIGINT)
        rl_readline_state &= ~UInt(RL_STATE_SIGHANDLER)

        #expect(String(cString: rl_line_buffer) == "")
        #expect(attention_interrupt_requested() == 0, "a Ctrl-C at the prompt stops no command")
    }
}
