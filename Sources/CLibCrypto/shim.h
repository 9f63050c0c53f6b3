#ifndef HELPDESKD_CLIBCRYPTO_SHIM_H
#define HELPDESKD_CLIBCRYPTO_SHIM_H

// The system's OpenSSL libcrypto, for SHA-256 and HMAC only: far lighter than building a crypto
// package, and the same library libcurl already links for TLS.
#include <openssl/evp.h>
#include <openssl/hmac.h>

/// SHA-256 of `length` bytes into `digest` (32 bytes). Returns 1 on success.
static inline int hd_sha256(const void *data, size_t length, unsigned char *digest) {
    unsigned int size = 0;
    return EVP_Digest(data, length, digest, &size, EVP_sha256(), NULL);
}

/// HMAC-SHA-256 into `digest` (32 bytes). Returns 1 on success.
static inline int hd_hmac_sha256(const void *key, int keyLength, const unsigned char *data, size_t length,
                                 unsigned char *digest) {
    unsigned int size = 0;
    return HMAC(EVP_sha256(), key, keyLength, data, length, digest, &size) != NULL;
}

#endif
