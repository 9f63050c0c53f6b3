/// The top-level header section of a message, as `MIMEParser.parseHeaderSection` reads it.
public struct HeaderSection: Sendable {
    /// The fields, in order, as ranges into the message.
    public let fields: [HeaderField]
    /// The section: from the first field (after an mbox "From " line, if any) to the blank line that ends
    /// it (exclusive), or to the end of the message when there is none. `parse` gives the same range as
    /// `parts[0].headerRange`.
    public let range: Range<Int>
}
