/// What an image's header says about it: its size and, for camera and phone JPEGs, when it was taken.
///
/// Only headers are read, never pixels: a file claiming 100,000 × 100,000 pixels costs nothing, and
/// every offset is bounds-checked because the bytes come from strangers.
public struct ImageInfo: Sendable, Equatable {
    /// "image/png", "image/jpeg", "image/gif", "image/webp" or "image/bmp".
    public var type: String
    public var width: Int
    public var height: Int
    /// EXIF DateTimeOriginal as written ("2024:11:11 10:32:15"), JPEG only.
    public var dateTimeOriginal: String?
    /// EXIF OffsetTimeOriginal ("+03:00"), when the camera recorded it.
    public var offsetTimeOriginal: String?

    /// Reads the header of a raster image; nil when the bytes are not a raster image we know.
    public static func read(_ bytes: [UInt8]) -> ImageInfo? {
        let reader = ByteReader(bytes: bytes)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard let width = reader.u32be(16), let height = reader.u32be(20) else { return nil }
            return ImageInfo(type: "image/png", width: Int(width), height: Int(height))
        }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
            guard let width = reader.u16le(6), let height = reader.u16le(8) else { return nil }
            return ImageInfo(type: "image/gif", width: Int(width), height: Int(height))
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return jpeg(reader) }
        if bytes.starts(with: Array("RIFF".utf8)), reader.matches(Array("WEBP".utf8), at: 8) { return webp(reader) }
        if bytes.starts(with: Array("BM".utf8)), let width = reader.u32le(18), let height = reader.u32le(22) {
            let signedHeight = Int32(bitPattern: height)
            return ImageInfo(
                type: "image/bmp", width: Int(Int32(bitPattern: width).magnitude),
                height: Int(signedHeight.magnitude))
        }
        return nil
    }

    init(type: String, width: Int, height: Int, dateTimeOriginal: String? = nil, offsetTimeOriginal: String? = nil) {
        self.type = type
        self.width = width
        self.height = height
        self.dateTimeOriginal = dateTimeOriginal
        self.offsetTimeOriginal = offsetTimeOriginal
    }

    private static func jpeg(_ reader: ByteReader) -> ImageInfo? {
        var offset = 2
        var exif: (String?, String?) = (nil, nil)
        // Segments follow each other; each step moves forward, so hostile lengths cannot loop.
        while offset + 4 <= reader.bytes.count {
            guard reader.bytes[offset] == 0xFF else { return nil }
            let marker = reader.bytes[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                offset += 2
                continue
            }
            guard let length = reader.u16be(offset + 2), length >= 2 else { return nil }
            let segment = offset + 4
            if marker == 0xE1, reader.matches(Array("Exif\u{0}\u{0}".utf8), at: segment) {
                exif = readExif(reader, tiffStart: segment + 6, end: min(reader.bytes.count, offset + 2 + Int(length)))
            }
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isStartOfFrame {
                guard let height = reader.u16be(segment + 1), let width = reader.u16be(segment + 3) else { return nil }
                return ImageInfo(
                    type: "image/jpeg", width: Int(width), height: Int(height),
                    dateTimeOriginal: exif.0, offsetTimeOriginal: exif.1)
            }
            if marker == 0xDA { return nil }  // scan data before any frame header: broken
            offset += 2 + Int(length)
        }
        return nil
    }

    /// Finds DateTimeOriginal (0x9003) and OffsetTimeOriginal (0x9011) in the EXIF sub-IFD.
    private static func readExif(_ reader: ByteReader, tiffStart: Int, end: Int) -> (String?, String?) {
        guard tiffStart + 8 <= end else { return (nil, nil) }
        let little = reader.matches(Array("II".utf8), at: tiffStart)
        guard little || reader.matches(Array("MM".utf8), at: tiffStart) else { return (nil, nil) }
        func u16(_ at: Int) -> Int? {
            guard at + 2 <= end else { return nil }
            return Int(little ? reader.u16le(at)! : reader.u16be(at)!)
        }
        func u32(_ at: Int) -> Int? {
            guard at + 4 <= end else { return nil }
            return Int(little ? reader.u32le(at)! : reader.u32be(at)!)
        }
        /// Entries of the IFD at `ifdOffset` (relative to the TIFF header), capped against hostile counts.
        func entries(_ ifdOffset: Int) -> [(tag: Int, type: Int, count: Int, valueAt: Int)] {
            let start = tiffStart + ifdOffset
            guard ifdOffset >= 8, let count = u16(start) else { return [] }
            var found: [(Int, Int, Int, Int)] = []
            for index in 0..<min(count, 512) {
                let entry = start + 2 + index * 12
                guard let tag = u16(entry), let type = u16(entry + 2), let n = u32(entry + 4) else { break }
                found.append((tag, type, n, entry + 8))
            }
            return found
        }
        func ascii(_ entry: (tag: Int, type: Int, count: Int, valueAt: Int)) -> String? {
            guard entry.type == 2, entry.count > 0, entry.count < 64 else { return nil }
            let at = entry.count <= 4 ? entry.valueAt : (u32(entry.valueAt).map { tiffStart + $0 } ?? -1)
            guard at >= tiffStart, at + entry.count <= end else { return nil }
            let raw = reader.bytes[at..<(at + entry.count)].prefix { $0 != 0 }
            guard raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            return String(decoding: raw, as: UTF8.self)
        }
        guard let firstIFD = u32(tiffStart + 4) else { return (nil, nil) }
        guard let pointer = entries(firstIFD).first(where: { $0.tag == 0x8769 }),
            let exifIFD = u32(pointer.valueAt)
        else { return (nil, nil) }
        let exifEntries = entries(exifIFD)
        let original = exifEntries.first { $0.tag == 0x9003 }.flatMap(ascii)
        let offset = exifEntries.first { $0.tag == 0x9011 }.flatMap(ascii)
        return (original, offset)
    }

    private static func webp(_ reader: ByteReader) -> ImageInfo? {
        if reader.matches(Array("VP8 ".utf8), at: 12) {
            guard let width = reader.u16le(26), let height = reader.u16le(28) else { return nil }
            return ImageInfo(type: "image/webp", width: Int(width & 0x3FFF), height: Int(height & 0x3FFF))
        }
        if reader.matches(Array("VP8L".utf8), at: 12) {
            guard let bits = reader.u32le(21) else { return nil }
            return ImageInfo(type: "image/webp", width: Int(bits & 0x3FFF) + 1, height: Int((bits >> 14) & 0x3FFF) + 1)
        }
        if reader.matches(Array("VP8X".utf8), at: 12) {
            guard let w = reader.u24le(24), let h = reader.u24le(27) else { return nil }
            return ImageInfo(type: "image/webp", width: Int(w) + 1, height: Int(h) + 1)
        }
        return nil
    }
}

/// Bounds-checked little/big-endian reads.
private struct ByteReader {
    let bytes: [UInt8]

    func matches(_ signature: [UInt8], at offset: Int) -> Bool {
        offset >= 0 && offset + signature.count <= bytes.count
            && bytes[offset..<(offset + signature.count)].elementsEqual(signature)
    }

    func u16be(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }

    func u16le(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at + 1]) << 8 | UInt16(bytes[at])
    }

    func u24le(_ at: Int) -> UInt32? {
        guard at >= 0, at + 3 <= bytes.count else { return nil }
        return UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at])
    }

    func u32be(_ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8
            | UInt32(bytes[at + 3])
    }

    func u32le(_ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return UInt32(bytes[at + 3]) << 24 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 1]) << 8
            | UInt32(bytes[at])
    }
}
