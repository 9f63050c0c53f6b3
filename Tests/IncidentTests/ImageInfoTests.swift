import Testing

@testable import Incident

/// Minimal image headers, built byte by byte so each test shows exactly what is read.
enum ImageHeaders {
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + be32(width)
            + be32(height) + [8, 6, 0, 0, 0]
    }

    static func jpeg(width: UInt16, height: UInt16, exifDate: String? = nil) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        if let exifDate {
            // TIFF (little-endian): IFD0 with one entry pointing at the EXIF IFD, which holds DateTimeOriginal.
            var tiff: [UInt8] = Array("II".utf8) + [0x2A, 0x00] + le32(8)
            tiff += le16(1) + le16(0x8769) + le16(4) + le32(1) + le32(26) + le32(0)
            let dateOffset: UInt32 = 26 + 2 + 12 + 4
            tiff += le16(1) + le16(0x9003) + le16(2) + le32(20) + le32(dateOffset) + le32(0)
            tiff += Array(exifDate.utf8) + [0]
            let segment = Array("Exif".utf8) + [0, 0] + tiff
            bytes += [0xFF, 0xE1] + be16(UInt16(segment.count + 2)) + segment
        }
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08] + be16(height) + be16(width) + [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        return bytes + [0xFF, 0xD9]
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
    static func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }
}

@Suite struct ImageInfoTests {
    @Test func pngDimensions() {
        #expect(
            ImageInfo.read(ImageHeaders.png(width: 1280, height: 720))
                == ImageInfo(type: "image/png", width: 1280, height: 720))
    }

    @Test func jpegDimensionsAndExifDate() throws {
        let info = try #require(
            ImageInfo.read(ImageHeaders.jpeg(width: 1080, height: 2340, exifDate: "2024:11:11 10:32:15")))
        #expect(info.width == 1080 && info.height == 2340)
        #expect(info.dateTimeOriginal == "2024:11:11 10:32:15")
        #expect(ImageInfo.read(ImageHeaders.jpeg(width: 640, height: 480))?.dateTimeOriginal == nil)
    }

    @Test func gifWebpAndBmp() {
        #expect(ImageInfo.read(Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00])?.width == 320)
        let vp8x: [UInt8] =
            Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0]
            + [0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00]
        #expect(ImageInfo.read(vp8x).map { [$0.width, $0.height] } == [640, 480])
        var bmp = Array("BM".utf8) + [UInt8](repeating: 0, count: 12) + [40, 0, 0, 0]
        bmp += ImageHeaders.le32(800) + ImageHeaders.le32(UInt32(bitPattern: -600))
        #expect(ImageInfo.read(bmp).map { [$0.width, $0.height] } == [800, 600])
    }

    @Test func hugeClaimsCostNothing() {
        #expect(ImageInfo.read(ImageHeaders.png(width: 100_000, height: 100_000))?.width == 100_000)
    }

    @Test func truncatedAndHostileHeadersReturnNil() {
        let png = ImageHeaders.png(width: 10, height: 10)
        for length in 0..<20 { #expect(ImageInfo.read(Array(png.prefix(length))) == nil) }
        let jpeg = ImageHeaders.jpeg(width: 10, height: 10, exifDate: "2024:11:11 10:32:15")
        for length in 0..<(jpeg.count - 14) { _ = ImageInfo.read(Array(jpeg.prefix(length))) }
        // A segment claiming a length that runs past the end, and an EXIF count of 65,535 entries.
        #expect(ImageInfo.read([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF] + Array("Exif".utf8) + [0, 0]) == nil)
        #expect(ImageInfo.read(Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8)) == nil)
    }
}
