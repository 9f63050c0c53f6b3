#ifndef HELPDESKD_CLIBCRYPTO_SHIM_H
#define HELPDESKD_CLIBCRYPTO_SHIM_H

// The system's OpenSSL libcrypto, for SHA-256, HMAC and RS256 signatures (OAuth 2.0 JWT assertions):
// far lighter than building a crypto package, and the same library libcurl already links for TLS.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

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

/// Reads an unencrypted PEM private key ("BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE KEY"); NULL when the text
/// holds none. Free it with hd_private_key_free.
static inline EVP_PKEY *hd_private_key_from_pem(const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
    BIO_free(bio);
    return key;
}

/// 1 when the key is an RSA key of at least 2048 bits.
static inline int hd_private_key_is_rsa2048(const EVP_PKEY *key) {
    return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048;
}

static inline void hd_private_key_free(EVP_PKEY *key) { EVP_PKEY_free(key); }

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256") of `length` bytes into `signature` (capacity `*signatureLength`,
/// set to the signature's length). Returns 1 on success.
static inline int hd_rs256_sign(EVP_PKEY *key, const void *data, size_t length, unsigned char *signature,
                                size_t *signatureLength) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key) == 1
        && EVP_DigestSign(context, signature, signatureLength, data, length) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/// SHA-1 of `length` bytes into `digest` (20 bytes): only for the "x5t" certificate thumbprint JWS defines.
static inline int hd_sha1(const void *data, size_t length, unsigned char *digest) {
    unsigned int size = 0;
    return EVP_Digest(data, length, digest, &size, EVP_sha1(), NULL);
}

#endif
