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

/// Incremental SHA-256, for files too large to hold in memory: new, update as often as needed, final, free.
static inline EVP_MD_CTX *hd_sha256_new(void) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context != NULL && EVP_DigestInit_ex(context, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    return context;
}

/// Adds `length` bytes. Returns 1 on success.
static inline int hd_sha256_update(EVP_MD_CTX *context, const void *data, size_t length) {
    return EVP_DigestUpdate(context, data, length);
}

/// Writes the digest (32 bytes). Returns 1 on success.
static inline int hd_sha256_final(EVP_MD_CTX *context, unsigned char *digest) {
    unsigned int size = 0;
    return EVP_DigestFinal_ex(context, digest, &size);
}

static inline void hd_sha256_free(EVP_MD_CTX *context) { EVP_MD_CTX_free(context); }

#endif
