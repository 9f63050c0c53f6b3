/// The parser's explicit limits. Beyond a limit the parser stops descending or collecting,
/// records a defect, and still returns everything it read.
public struct ParserLimits: Sendable, Equatable {
    /// How deeply multiparts and encapsulated messages may nest.
    public var maxDepth: Int
    /// How many parts (entities) one message may have, at every depth together.
    public var maxParts: Int
    /// How many header lines one part may carry; further header lines are skipped.
    public var maxHeaderLines: Int
    /// How long one header field may be, folded lines included; longer fields are cut.
    public var maxHeaderLineLength: Int
    /// How many Message-IDs of In-Reply-To and of References are kept for threading: In-Reply-To's first ones,
    /// References' last (newest) ones. A reply needs one; a hostile list of thousands is cut, with a defect.
    public var maxReferences: Int

    /// The hard ceiling on `maxDepth`, whatever the configuration says: nesting is parsed with
    /// recursion-free code, but every level lengthens part numbers and the walks over the finished tree.
    public static let depthCeiling = 1_000
    /// The hard ceiling on `maxReferences`: threading looks every kept ID up in the store.
    public static let referencesCeiling = 1_000

    public init(
        maxDepth: Int = 64, maxParts: Int = 10_000, maxHeaderLines: Int = 10_000,
        maxHeaderLineLength: Int = 1 << 20, maxReferences: Int = 50
    ) {
        self.maxDepth = min(max(1, maxDepth), Self.depthCeiling)
        self.maxParts = max(1, maxParts)
        self.maxHeaderLines = max(1, maxHeaderLines)
        self.maxHeaderLineLength = max(80, maxHeaderLineLength)
        self.maxReferences = min(max(1, maxReferences), Self.referencesCeiling)
    }
}
