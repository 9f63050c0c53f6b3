#ifndef HELPDESKD_CLIBXML2_SHIM_H
#define HELPDESKD_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU. Its headers then pull in ICU's, whose UErrorCode clashes
// with the copy Foundation carries ("'UErrorCode' has different definitions" on a clean build).
// We never use libxml2's ICU entry points, so switch them off before anything else is included.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer, which Swift imports as a mutable global (not concurrency-safe).
static inline void hd_xml_free(void *pointer) {
    xmlFree(pointer);
}

static void hd_xml_ignore_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Installs a no-op generic error handler so nothing is printed to stderr.
static inline void hd_xml_install_quiet_errors(void) {
    xmlSetGenericErrorFunc(NULL, hd_xml_ignore_error);
}

#endif
