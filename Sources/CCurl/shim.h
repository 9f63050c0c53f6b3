#ifndef HELPDESKD_CCURL_SHIM_H
#define HELPDESKD_CCURL_SHIM_H

// libcurl's curl_easy_setopt/curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers give each argument kind its own function; Swift code picks the
// one that matches the option's documented type.

#include <curl/curl.h>

static inline CURLcode hd_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode hd_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode hd_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode hd_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode hd_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Callback shape shared by CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*hd_curl_write_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode hd_curl_setopt_write_callback(CURL *handle, CURLoption option, hd_curl_write_callback cb) {
    return curl_easy_setopt(handle, option, cb);
}

/// Callback shape of CURLOPT_READFUNCTION (used to upload a message over SMTP).
typedef size_t (*hd_curl_read_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode hd_curl_setopt_read_callback(CURL *handle, CURLoption option, hd_curl_read_callback cb) {
    return curl_easy_setopt(handle, option, cb);
}

static inline CURLcode hd_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode hd_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode hd_curl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// CURL_GLOBAL_DEFAULT combines other macros, which Swift does not import.
static inline CURLcode hd_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// CURLVERSION_NOW is a macro Swift cannot import.
static inline curl_version_info_data *hd_curl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

#endif
