import Interpreter
import Testing

@Suite("Tab completion")
struct CompletionTests {
    @Test func verbsStagesAndPaths() {
        #expect(Completion.candidates(previous: [], prefix: "ste") == ["step"])
        #expect(Completion.candidates(previous: [], prefix: "W_") == ["W_K", "W_O", "W_Q", "W_V"])
        #expect(Completion.candidates(previous: ["show"], prefix: "wei") == ["weights"])
        #expect(Completion.candidates(previous: ["goto"], prefix: "pro") == ["projection"])
        #expect(Completion.candidates(previous: ["why"], prefix: "head") == ["head_out"])
        #expect(Completion.candidates(previous: ["explain"], prefix: "sc") == ["scaled", "scores"])
        #expect(Completion.candidates(previous: ["mask"], prefix: "c") == ["causal"])
        #expect(Completion.candidates(previous: ["W_Q", "="], prefix: "r") == ["random"])
        #expect(Completion.candidates(previous: ["import", "X"], prefix: "da") == nil)   // a file path
        #expect(Completion.candidates(previous: ["export", "weights"], prefix: "") == nil)
    }

    /// After `why STAGE`, Tab offers the tokens, not stage names (issue 14); so does `attends`.
    @Test func rowsAndColumnsCompleteToTokens() {
        let tokens = ["the", "cat", "sat"]
        #expect(Completion.candidates(previous: ["why", "weights"], prefix: "c", tokens: tokens) == ["cat"])
        #expect(Completion.candidates(previous: ["why", "weights", "sat"], prefix: "", tokens: tokens) == ["cat", "sat", "the"])
        #expect(Completion.candidates(previous: ["attends"], prefix: "s", tokens: tokens) == ["sat"])
        #expect(Completion.candidates(previous: ["model"], prefix: "") == ["heads", "load", "unload"])
        #expect(Completion.candidates(previous: ["model", "load"], prefix: "") == nil)
    }

    /// A circuit's cells are feature numbers: no tokens after `why W_QK`.
    @Test func circuitsComplete() {
        let tokens = ["the", "cat", "sat"]
        #expect(Completion.candidates(previous: ["why"], prefix: "W_") == ["W_OV", "W_QK"])
        #expect(Completion.candidates(previous: ["why", "W_QK"], prefix: "", tokens: tokens) == [])
        #expect(Completion.candidates(previous: ["why", "W_QK", "0", "1"], prefix: "h", tokens: tokens) == ["head"])
        #expect(Completion.candidates(previous: [], prefix: "circ") == ["circuit"])
    }
}
