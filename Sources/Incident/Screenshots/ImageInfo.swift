/// What an image's header says about it: its size and, for camera and phone JPEGs, when it was taken.
///
/// Only headers are read, never pixels: a file claiming 100,000 × 100,000 pixels costs nothing, and
/// every offset is bounds-checked because the bytes come from strangers.
public struct ImageInfo: Sendable, Equatable {
    /// "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/heic" or "image/avif".
    public var type: String
    public var width: Int
    public var height: Int
    /// EXIF DateTimeOriginal as written ("2024:11:11 10:32:15"), from JPEG and HEIF photos.
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
        if reader.matches(Array("ftyp".utf8), at: 4) { return heif(reader) }
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

    /// HEIF (iPhone HEIC) and AVIF: ISO base-media boxes. The size is the largest `ispe` (image spatial extent)
    /// property — the full picture, not one of its 512×512 tiles — and the EXIF item, found through `iinf` and
    /// `iloc`, gives the time the photo was taken. Boxes are walked forward with their sizes checked, at most a
    /// few hundred of them, so a hostile file cannot loop or read out of bounds.
    private static func heif(_ reader: ByteReader) -> ImageInfo? {
        let bytes = reader.bytes
        guard let ftypSize = reader.u32be(0), ftypSize >= 12 else { return nil }
        let brands = stride(from: 8, to: min(Int(ftypSize), bytes.count) - 3, by: 4).map {
            String(decoding: bytes[$0..<($0 + 4)], as: UTF8.self)
        }
        let isAVIF = brands.contains("avif") || brands.contains("avis")
        guard
            isAVIF || brands.contains(where: { ["heic", "heix", "mif1", "msf1", "heim", "heis", "hevc"].contains($0) })
        else { return nil }
        /// The boxes directly inside `range`: (type, content start, end).
        func boxes(_ range: Range<Int>) -> [(type: String, start: Int, end: Int)] {
            var found: [(String, Int, Int)] = []
            var offset = range.lowerBound
            while offset + 8 <= range.upperBound, found.count < 256 {
                guard var size = reader.u32be(offset).map(Int.init) else { break }
                var header = 8
                if size == 1, let large = reader.u32be(offset + 12) {
                    size = Int(large)
                    header = 16
                } else if size == 0 {
                    size = range.upperBound - offset
                }
                guard size >= header, offset + size <= range.upperBound else { break }
                found.append(
                    (
                        String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self), offset + header,
                        offset + size
                    ))
                offset += size
            }
            return found
        }
        guard let meta = boxes(0..<bytes.count).first(where: { $0.type == "meta" }) else { return nil }
        let inside = boxes((meta.start + 4)..<meta.end)  // meta is a full box: version and flags first
        var width = 0
        var height = 0
        if let iprp = inside.first(where: { $0.type == "iprp" }),
            let ipco = boxes(iprp.start..<iprp.end).first(where: { $0.type == "ipco" })
        {
            for property in boxes(ipco.start..<ipco.end) where property.type == "ispe" {
                guard let w = reader.u32be(property.start + 4), let h = reader.u32be(property.start + 8) else {
                    continue
                }
                if Int(w) * Int(h) > width * height {
                    width = Int(w)
                    height = Int(h)
                }
            }
        }
        guard width > 0, height > 0 else { return nil }
        var exif: (String?, String?) = (nil, nil)
        if let item = exifItem(inside, boxes: boxes), let location = itemLocation(item, inside, boxes: boxes),
            let tiffOffset = reader.u32be(location.lowerBound)
        {
            let tiffStart = location.lowerBound + 4 + Int(tiffOffset)
            if tiffStart < location.upperBound {
                exif = readExif(reader, tiffStart: tiffStart, end: location.upperBound)
            }
        }
        return ImageInfo(
            type: isAVIF ? "image/avif" : "image/heic", width: width, height: height, dateTimeOriginal: exif.0,
            offsetTimeOriginal: exif.1)

        /// The item ID of the EXIF item (`infe` entries of version 2 or 3 with item type "Exif").
        func exifItem(
            _ inside: [(type: String, start: Int, end: Int)],
            boxes: (Range<Int>) -> [(type: String, start: Int, end: Int)]
        ) -> Int? {
            guard let iinf = inside.first(where: { $0.type == "iinf" }) else { return nil }
            let version = bytes[iinf.start]
            let entriesStart = iinf.start + 4 + (version == 0 ? 2 : 4)
            guard entriesStart <= iinf.end else { return nil }
            for infe in boxes(entriesStart..<iinf.end) where infe.type == "infe" {
                let infeVersion = bytes[infe.start]
                guard infeVersion >= 2 else { continue }
                let idSize = infeVersion == 2 ? 2 : 4
                let typeAt = infe.start + 4 + idSize + 2
                guard typeAt + 4 <= infe.end, reader.matches(Array("Exif".utf8), at: typeAt) else { continue }
                return idSize == 2
                    ? reader.u16be(infe.start + 4).map(Int.init) : reader.u32be(infe.start + 4).map(Int.init)
            }
            return nil
        }

        /// Where an item's data lies (`iloc` versions 0–2, construction method 0, the first extent).
        func itemLocation(
            _ item: Int, _ inside: [(type: String, start: Int, end: Int)],
            boxes: (Range<Int>) -> [(type: String, start: Int, end: Int)]
        ) -> Range<Int>? {
            guard let iloc = inside.first(where: { $0.type == "iloc" }), iloc.start + 8 <= iloc.end else { return nil }
            let version = bytes[iloc.start]
            let sizes = bytes[iloc.start + 4]
            let offsetSize = Int(sizes >> 4)
            let lengthSize = Int(sizes & 0x0F)
            let baseOffsetSize = Int(bytes[iloc.start + 5] >> 4)
            let indexSize = version >= 1 ? Int(bytes[iloc.start + 5] & 0x0F) : 0
            func read(_ at: Int, _ size: Int) -> Int? {
                switch size {
                case 0: return 0
                case 4: return reader.u32be(at).map(Int.init)
                case 8:
                    guard let high = reader.u32be(at), let low = reader.u32be(at + 4), high < 1 << 20 else {
                        return nil
                    }
                    return Int(high) << 32 | Int(low)
                default: return nil
                }
            }
            var at = iloc.start + 6
            let count = version < 2 ? reader.u16be(at).map(Int.init) : reader.u32be(at).map(Int.init)
            at += version < 2 ? 2 : 4
            guard let count else { return nil }
            for _ in 0..<min(count, 4096) {
                guard at + 8 <= iloc.end else { return nil }
                let id = version < 2 ? reader.u16be(at).map(Int.init) : reader.u32be(at).map(Int.init)
                at += version < 2 ? 2 : 4
                var method = 0
                if version >= 1 {
                    method = Int(reader.u16be(at) ?? 0) & 0x0F
                    at += 2
                }
                at += 2  // data reference index
                guard let base = read(at, baseOffsetSize) else { return nil }
                at += baseOffsetSize
                guard let extents = reader.u16be(at).map(Int.init) else { return nil }
                at += 2
                var first: Range<Int>? = nil
                for extent in 0..<min(extents, 64) {
                    at += indexSize
                    guard let offset = read(at, offsetSize), let length = read(at + offsetSize, lengthSize) else {
                        return nil
                    }
                    at += offsetSize + lengthSize
                    if extent == 0 { first = (base + offset)..<(base + offset + length) }
                }
                if id == item {
                    guard method == 0, let first, first.lowerBound >= 0, first.upperBound <= bytes.count,
                        first.count >= 8
                    else { return nil }
                    return first
                }
            }
            return nil
        }
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
