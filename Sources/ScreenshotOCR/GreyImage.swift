import CTesseract

/// A decoded image in 8-bit grey (Leptonica's `PIX`), owned: freed when the value goes away.
///
/// Decoding is where hostile images hurt, so `decode` reads the size the header declares first and refuses an
/// image larger than the caller allows before a pixel is decompressed (a 30,000 × 30,000 PNG header in 200 bytes
/// would otherwise ask for 3.6 GB). Not `Sendable`: one image is used by one thread.
final class GreyImage {
    let pix: UnsafeMutablePointer<PIX>

    private init(_ pix: UnsafeMutablePointer<PIX>) { self.pix = pix }

    deinit { hd_pix_destroy(pix) }

    var width: Int { Int(pixGetWidth(pix)) }
    var height: Int { Int(pixGetHeight(pix)) }

    /// Why an image is not read.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The header does not describe an image Leptonica reads (or none at all).
        case notAnImage
        /// The header declares more pixels, or a longer side, than allowed.
        case tooLarge(width: Int, height: Int)
        /// The header was read but the pixels were not (a truncated or corrupt file).
        case undecodable

        var description: String {
            switch self {
            case .notAnImage: return "not an image this reader knows (PNG, JPEG, GIF, TIFF, BMP, WebP)"
            case .tooLarge(let width, let height): return "too large: the header declares \(width)×\(height) pixels"
            case .undecodable: return "the pixels could not be decoded (truncated or corrupt)"
            }
        }
    }

    /// The image in `bytes` in grey, or why not. `maxPixels` bounds width × height, `maxSide` either side.
    static func decode(_ bytes: [UInt8], maxPixels: Int, maxSide: Int) -> Result<GreyImage, Refusal> {
        hd_lept_quiet()
        var width: Int32 = 0
        var height: Int32 = 0
        let known = bytes.withUnsafeBufferPointer { buffer in
            hd_pix_header_size(buffer.baseAddress, buffer.count, &width, &height)
        }
        guard known == 1, width > 0, height > 0 else { return .failure(.notAnImage) }
        guard Int(width) <= maxSide, Int(height) <= maxSide, Int(width) * Int(height) <= maxPixels else {
            return .failure(.tooLarge(width: Int(width), height: Int(height)))
        }
        guard let decoded = bytes.withUnsafeBufferPointer({ pixReadMem($0.baseAddress, $0.count) }) else {
            return .failure(.undecodable)
        }
        defer { hd_pix_destroy(decoded) }
        // A header may lie about the size: what was decoded is checked again.
        guard Int(pixGetWidth(decoded)) * Int(pixGetHeight(decoded)) <= maxPixels,
            let grey = pixConvertTo8(decoded, 0)
        else { return .failure(.undecodable) }
        return .success(GreyImage(grey))
    }

    /// The rectangle, clipped to the image; nil when nothing of it is inside.
    func cropped(x: Int, y: Int, width: Int, height: Int) -> GreyImage? {
        guard width > 0, height > 0, let clipped = hd_pix_clip(pix, Int32(x), Int32(y), Int32(width), Int32(height))
        else { return nil }
        return GreyImage(clipped)
    }

    /// Enlarged by `factor` (2 or 4 use Leptonica's fast grey interpolation).
    func scaled(by factor: Int) -> GreyImage? {
        let scaled: UnsafeMutablePointer<PIX>?
        switch factor {
        case 2: scaled = pixScaleGray2xLI(pix)
        case 4: scaled = pixScaleGray4xLI(pix)
        default: scaled = pixScaleGrayLI(pix, Float(factor), Float(factor))
        }
        return scaled.map(GreyImage.init)
    }

    /// Dark text on a light ground: a dark theme's region (mean grey under 128) is inverted.
    func lightGround() -> GreyImage {
        let mean = hd_pix_mean(pix, max(1, Int32(min(width, height) / 64)))
        guard mean >= 0, mean < 128, let inverted = pixInvert(nil, pix) else { return self }
        return GreyImage(inverted)
    }
}
