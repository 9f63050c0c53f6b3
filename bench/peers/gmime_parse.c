/*
 * gmime_parse: the GMime 3 peer of `helpdeskd parse --stats`.
 *
 *     gmime_parse [--dump] PATH...
 *
 * --dump prints every decoded header and every leaf (type, decoded size) to stderr, to check
 * by eye that the peers do the same work; do not time with it.
 *
 * Loads every file under the given paths (directories recursively, in sorted order) into
 * memory, then times a full parse of each message:
 *
 *   - g_mime_parser_construct_message() from a memory stream over the loaded bytes;
 *   - every header of the message, of every MIME part and of every embedded message decoded
 *     from its raw value: internet_address_list_parse() for address headers,
 *     g_mime_utils_header_decode_date() for Date, g_mime_utils_header_decode_text() for the rest;
 *   - every part walked, message/rfc822 included (GMimeMessagePart is a container: its message's
 *     headers are decoded and its MIME tree is walked);
 *   - every leaf's content transfer-decoded into a memory stream with
 *     g_mime_data_wrapper_write_to_stream(); for text leaves through a GMimeFilterCharset to
 *     UTF-8 when the part's charset is not UTF-8 (what g_mime_text_part_get_text() does).
 *
 * Prints one JSON line:
 *   {"parser":"gmime","messages":N,"bytes":N,"seconds":S,"mb_per_s":X,"messages_per_s":Y,
 *    "leaf_parts":N,"decoded_bytes":N}
 * leaf_parts counts non-container parts (multipart and message/rfc822 parts are containers);
 * decoded_bytes is the size of every leaf after transfer decoding and, for text, conversion to
 * UTF-8. MB is 10^6 bytes. Loading is not timed.
 *
 * Build: see bench/peers/Makefile (cc -O2 $(pkg-config --cflags --libs gmime-3.0)).
 */
#include <gmime/gmime.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
    char **items;
    size_t len, cap;
} PathList;

static void path_push(PathList *l, char *p) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->items = g_realloc(l->items, l->cap * sizeof(char *));
    }
    l->items[l->len++] = p;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *path, PathList *out) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "gmime_parse: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    if (S_ISREG(st.st_mode)) {
        path_push(out, g_strdup(path));
        return;
    }
    if (!S_ISDIR(st.st_mode))
        return;
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "gmime_parse: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    PathList children = {0};
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ".", "..", and hidden files such as stamps */
        path_push(&children, g_build_filename(path, de->d_name, NULL));
    }
    closedir(dir);
    qsort(children.items, children.len, sizeof(char *), cmp_str);
    for (size_t i = 0; i < children.len; i++) {
        collect(children.items[i], out);
        g_free(children.items[i]);
    }
    g_free(children.items);
}

/* ---- the timed work ---------------------------------------------------------------------- */

typedef struct {
    GMimeParserOptions *options;
    guint64 leaf_parts;
    guint64 decoded_bytes;
    guint64 header_chars; /* consumed so the decoding cannot be skipped; not reported */
    guint64 errors;
    gboolean dump;
} Stats;

static gboolean is_address_header(const char *name) {
    static const char *names[] = {"From",      "To",        "Cc",        "Bcc",        "Reply-To",
                                  "Sender",    "Resent-From", "Resent-To", "Resent-Cc", "Resent-Bcc",
                                  "Resent-Sender", NULL};
    for (int i = 0; names[i]; i++)
        if (g_ascii_strcasecmp(name, names[i]) == 0)
            return TRUE;
    return FALSE;
}

static void decode_headers(GMimeObject *object, Stats *st) {
    GMimeHeaderList *list = g_mime_object_get_header_list(object);
    int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; i++) {
        GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
        const char *name = g_mime_header_get_name(header);
        const char *raw = g_mime_header_get_raw_value(header);
        if (!raw)
            continue;
        if (is_address_header(name)) {
            InternetAddressList *addrs = internet_address_list_parse(st->options, raw);
            if (addrs) {
                if (st->dump) {
                    char *s = internet_address_list_to_string(addrs, NULL, FALSE);
                    fprintf(stderr, "  %s: [%d] %s\n", name, internet_address_list_length(addrs), s);
                    g_free(s);
                }
                st->header_chars += (guint64)internet_address_list_length(addrs);
                g_object_unref(addrs);
            }
        } else if (g_ascii_strcasecmp(name, "Date") == 0 || g_ascii_strcasecmp(name, "Resent-Date") == 0) {
            GDateTime *dt = g_mime_utils_header_decode_date(raw);
            if (dt) {
                if (st->dump) {
                    char *s = g_date_time_format_iso8601(dt);
                    fprintf(stderr, "  %s: %s\n", name, s);
                    g_free(s);
                }
                st->header_chars += (guint64)g_date_time_to_unix(dt) & 1;
                g_date_time_unref(dt);
            }
        } else {
            char *text = g_mime_utils_header_decode_text(st->options, raw);
            if (st->dump)
                fprintf(stderr, "  %s: %s\n", name, text);
            st->header_chars += strlen(text);
            g_free(text);
        }
    }
}

static void decode_leaf(GMimePart *part, Stats *st) {
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    st->leaf_parts++;
    if (!content)
        return;
    GByteArray *out = g_byte_array_new();
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(out); /* owns `out` */
    GMimeStream *sink = mem;
    GMimeContentType *ctype = g_mime_object_get_content_type(GMIME_OBJECT(part));
    if (ctype && g_mime_content_type_is_type(ctype, "text", "*")) {
        const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
        if (charset && g_ascii_strcasecmp(charset, "utf-8") != 0) {
            GMimeFilter *conv = g_mime_filter_charset_new(charset, "utf-8");
            if (conv) {
                sink = g_mime_stream_filter_new(mem);
                g_mime_stream_filter_add(GMIME_STREAM_FILTER(sink), conv);
                g_object_unref(conv);
            }
        }
    }
    g_mime_data_wrapper_write_to_stream(content, sink);
    g_mime_stream_flush(sink);
    st->decoded_bytes += out->len;
    if (st->dump) {
        char *mime = ctype ? g_mime_content_type_get_mime_type(ctype) : g_strdup("?");
        fprintf(stderr, "  [leaf] %s %u bytes\n", mime, out->len);
        g_free(mime);
    }
    if (sink != mem)
        g_object_unref(sink);
    g_object_unref(mem);
}

static void walk(GMimeObject *object, gboolean own_headers, Stats *st);

static void walk_message(GMimeMessage *message, Stats *st) {
    /* A message's header list holds all of its headers, Content-* included, so its top-level
     * MIME part's headers are not decoded a second time. */
    decode_headers(GMIME_OBJECT(message), st);
    GMimeObject *body = g_mime_message_get_mime_part(message);
    if (body)
        walk(body, FALSE, st);
}

static void walk(GMimeObject *object, gboolean own_headers, Stats *st) {
    if (own_headers)
        decode_headers(object, st);
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *mp = GMIME_MULTIPART(object);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            walk(g_mime_multipart_get_part(mp, i), TRUE, st);
    } else if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        if (inner)
            walk_message(inner, st);
    } else if (GMIME_IS_PART(object)) {
        decode_leaf(GMIME_PART(object), st);
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    Stats st = {0};
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--dump") == 0) {
        st.dump = TRUE;
        first = 2;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: gmime_parse [--dump] PATH...\n");
        return 2;
    }
    g_mime_init();

    PathList paths = {0};
    for (int i = first; i < argc; i++)
        collect(argv[i], &paths);

    GByteArray **data = g_new0(GByteArray *, paths.len ? paths.len : 1);
    guint64 total_bytes = 0;
    for (size_t i = 0; i < paths.len; i++) {
        gchar *contents;
        gsize len;
        GError *err = NULL;
        if (!g_file_get_contents(paths.items[i], &contents, &len, &err)) {
            fprintf(stderr, "gmime_parse: %s\n", err->message);
            return 2;
        }
        data[i] = g_byte_array_new_take((guint8 *)contents, len);
        total_bytes += len;
    }

    st.options = g_mime_parser_options_new();

    double t0 = now();
    for (size_t i = 0; i < paths.len; i++) {
        GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(data[i]);
        g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE); /* the loaded bytes stay ours */
        GMimeParser *parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage *message = g_mime_parser_construct_message(parser, st.options);
        if (st.dump)
            fprintf(stderr, "%s\n", paths.items[i]);
        if (message) {
            walk_message(message, &st);
            g_object_unref(message);
        } else {
            st.errors++;
            fprintf(stderr, "gmime_parse: %s: not a message\n", paths.items[i]);
        }
        g_object_unref(parser);
        g_object_unref(stream);
    }
    double seconds = now() - t0;

    if (seconds <= 0)
        seconds = 1e-9;
    printf("{\"parser\":\"gmime\",\"messages\":%zu,\"bytes\":%" G_GUINT64_FORMAT ",\"seconds\":%.6f,"
           "\"mb_per_s\":%.2f,\"messages_per_s\":%.1f,\"leaf_parts\":%" G_GUINT64_FORMAT
           ",\"decoded_bytes\":%" G_GUINT64_FORMAT "}\n",
           paths.len, total_bytes, seconds, (double)total_bytes / 1e6 / seconds, (double)paths.len / seconds,
           st.leaf_parts, st.decoded_bytes);
    if (st.errors)
        fprintf(stderr, "gmime_parse: %" G_GUINT64_FORMAT " file(s) did not parse\n", st.errors);

    for (size_t i = 0; i < paths.len; i++) {
        g_byte_array_unref(data[i]);
        g_free(paths.items[i]);
    }
    g_free(data);
    g_free(paths.items);
    g_mime_parser_options_free(st.options);
    g_mime_shutdown();
    return st.errors ? 1 : 0;
}
