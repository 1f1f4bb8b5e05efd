/// How a long run of terms or values is shown: a real layer's sums have 64 or 768 terms and
/// its rows as many values, which no screen holds. Past nine items only the first six and the
/// last two are shown, with a marker saying how many are left out between them; shorter runs
/// (every lesson's) are shown whole. Totals are always computed from every item.
enum Elision {
    static let first = 6
    static let last = 2

    /// `items`, or their first six, `marker(left out)` and their last two.
    static func cut(_ items: [String], marker: (Int) -> String) -> [String] {
        guard items.count > first + last + 1 else { return items }
        return items.prefix(first) + [marker(items.count - first - last)] + items.suffix(last)
    }
}
