// TEMPORARY stub so the parser builds while the real decoder is written on branch `charset`.
public struct Charset: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init?(label: String) { name = label.lowercased() }
    public var description: String { name }
}
public struct DecodedText: Sendable, Equatable {
    public var text: String
    public var defects: [String]
}
public enum CharsetDecoder {
    public static func decode(_ bytes: ArraySlice<UInt8>, label: String?) -> DecodedText {
        DecodedText(text: String(decoding: bytes, as: UTF8.self), defects: [])
    }
    public static func decode(_ bytes: [UInt8], label: String?) -> DecodedText { decode(bytes[...], label: label) }
}
