#ifndef HELPDESKD_CTESSERACT_SHIM_H
#define HELPDESKD_CTESSERACT_SHIM_H

// Tesseract's C API and the few Leptonica calls the OCR worker makes. Leptonica's destroy functions take a
// pointer to the pointer (and clear it); these wrappers take the pointer, so Swift hands over ownership plainly.

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

static inline void hd_pix_destroy(PIX *pix) {
    pixDestroy(&pix);
}

/// The region (x, y, w, h) of `pix`, as a new image; NULL when the rectangle is outside it.
static inline PIX *hd_pix_clip(PIX *pix, int x, int y, int w, int h) {
    BOX *box = boxCreate(x, y, w, h);
    if (box == NULL) return NULL;
    PIX *clipped = pixClipRectangle(pix, box, NULL);
    boxDestroy(&box);
    return clipped;
}

/// The mean grey level of an 8-bit image, sampling every `factor`th pixel; -1 on failure.
static inline float hd_pix_mean(PIX *pix, int factor) {
    float value = -1;
    if (pixGetAverageMasked(pix, NULL, 0, 0, factor, L_MEAN_ABSVAL, &value) != 0) return -1;
    return value;
}

/// The width and height an image's header declares, without decoding its pixels; 0 when it is not an image
/// Leptonica reads.
static inline int hd_pix_header_size(const unsigned char *data, size_t size, int *width, int *height) {
    int format = 0, bps = 0, spp = 0, iscmap = 0;
    *width = 0;
    *height = 0;
    if (pixReadHeaderMem(data, size, &format, width, height, &bps, &spp, &iscmap) != 0) return 0;
    return 1;
}

/// Leptonica prints its errors to stderr by default; the worker reports its own.
static inline void hd_lept_quiet(void) {
    setMsgSeverity(L_SEVERITY_NONE);
}

#endif
