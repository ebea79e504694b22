// CCurlShim: fixed-type wrappers over libcurl's variadic calls.
//
// curl_easy_setopt and curl_easy_getinfo are C variadic functions, which Swift
// cannot call. Each wrapper below passes exactly one argument type, so the
// compiler on the C side performs the correct variadic promotion and Swift sees
// an ordinary typed function. The pattern follows swift-corelibs-foundation's
// CFURLSessionInterface.
#ifndef FIELDSYNC_CCURLSHIM_H
#define FIELDSYNC_CCURLSHIM_H

#include <curl/curl.h>

/// Signature shared by CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and
/// CURLOPT_READFUNCTION callbacks.
typedef size_t (*fs_curl_data_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

CURLcode fs_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode fs_curl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode fs_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode fs_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode fs_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode fs_curl_setopt_write_callback(CURL *handle, fs_curl_data_callback callback);
CURLcode fs_curl_setopt_header_callback(CURL *handle, fs_curl_data_callback callback);

/// Signature of CURLOPT_XFERINFOFUNCTION: return non-zero to abort the transfer
/// (CURLE_ABORTED_BY_CALLBACK follows). Used for cooperative cancellation.
typedef int (*fs_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);
CURLcode fs_curl_setopt_xferinfo_callback(CURL *handle, fs_curl_xferinfo_callback callback);

CURLcode fs_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// CURL_ERROR_SIZE, which is a macro and does not import as a constant.
static inline long fs_curl_error_size(void) { return CURL_ERROR_SIZE; }

/// CURL_GLOBAL_DEFAULT, a macro expression.
static inline long fs_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

#endif
